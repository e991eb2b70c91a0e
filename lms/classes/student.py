"""A student's assignments for the home page: overdue, due this week, to do, done (8 queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lms.classes import queries
from lms.classes.dashboard import module_cell
from lms.classes.queries import ItemInfo, ModuleInfo

#: "Due this week": due within the next seven days (the weekly digest uses the same).
DUE_SOON = timedelta(days=7)


@dataclass(frozen=True)
class MyAssignment:
    course_slug: str
    title: str
    course_title: str
    class_name: str
    due_at: datetime | None
    percent: int
    status: str  # "overdue" | "due_soon" | "todo" | "done"
    next_module_slug: str | None = None
    next_item_slug: str | None = None


@dataclass
class MyAssignments:
    overdue: list[MyAssignment] = field(default_factory=list)
    due_soon: list[MyAssignment] = field(default_factory=list)
    todo: list[MyAssignment] = field(default_factory=list)
    done: list[MyAssignment] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon or self.todo or self.done)


def classify(percent_done: bool, due_at: datetime | None, now: datetime) -> str:
    """The section an assignment goes in. Pure."""
    if percent_done:
        return "done"
    if due_at is not None and due_at < now:
        return "overdue"
    if due_at is not None and due_at - now <= DUE_SOON:
        return "due_soon"
    return "todo"


def my_assignments(user_id: int, *, language: str, now: datetime) -> MyAssignments:
    """Everything assigned to the user in open classes. The same thing assigned in two classes
    is shown once, with the earliest due date."""
    rows = queries.student_assignment_rows(user_id)
    result = MyAssignments()
    if not rows:
        return result
    courses = queries.load_courses({a.course_id for a, _ in rows}, language)
    progress = queries.load_progress([user_id], courses)
    chosen: dict[tuple[int, int | None], tuple[datetime | None, str]] = {}
    for assignment, class_name in rows:
        key = (assignment.course_id, assignment.module_id)
        previous = chosen.get(key)
        if previous is None or _earlier(assignment.due_at, previous[0]):
            chosen[key] = (assignment.due_at, class_name)
    entries = []
    for (course_id, module_id), (due_at, class_name) in chosen.items():
        course = courses.get(course_id)
        if course is None:
            continue  # withdrawn since it was assigned
        modules = course.modules if module_id is None else [
            m for m in course.modules if m.module.id == module_id]
        if not modules:
            continue
        merged = ModuleInfo(modules[0].module, modules[0].title,
                            [entry for m in modules for entry in m.items])
        cell = module_cell(user_id, merged, progress, due_at, now)
        next_item = _next_item(user_id, modules, progress)
        title = course.title if module_id is None else modules[0].title
        entries.append(MyAssignment(
            course.course.slug, title, course.title, class_name, due_at, cell.percent,
            classify(cell.done, due_at, now),
            next_item[0].module.slug if next_item else None,
            next_item[1].item.slug if next_item else None,
        ))
    entries.sort(key=lambda e: (e.due_at is None, e.due_at or now, e.title))
    for entry in entries:
        getattr(result, entry.status).append(entry)
    return result


def _earlier(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and (b is None or a < b)


def _next_item(user_id: int, modules: list[ModuleInfo], progress: queries.Progress
               ) -> tuple[ModuleInfo, ItemInfo] | None:
    for module in modules:
        for entry in module.items:
            if (user_id, entry.item.id) not in progress.completed:
                return module, entry
    return None

