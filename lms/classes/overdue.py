"""Who is late, per assignment of a class: for the class page and the teacher's weekly
digest. Pure functions over rows the callers loaded (no queries here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lms.auth.models import User
from lms.classes.dashboard import module_cell
from lms.classes.models import Assignment
from lms.classes.queries import CourseInfo, ModuleInfo, Progress

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class AssignmentStanding:
    """One assignment with a due date: its title and the students who have not finished it
    (``late`` once the date has passed, ``pending`` before)."""

    assignment: Assignment
    title: str
    course_title: str
    late: list[User] = field(default_factory=list)
    pending: list[User] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return bool(self.late)


def assigned_modules(course: CourseInfo, module_id: int | None) -> ModuleInfo | None:
    """The items a student must finish for an assignment, as one module (the whole course,
    or one of its modules); None when the module is no longer available."""
    modules = course.modules if module_id is None else [
        m for m in course.modules if m.module.id == module_id]
    if not modules:
        return None
    return ModuleInfo(modules[0].module, modules[0].title,
                      [entry for m in modules for entry in m.items])


def standings(assignments: Sequence[Assignment], courses: dict[int, CourseInfo],
              students: Sequence[User], progress: Progress, *, now: datetime,
              horizon: timedelta = WEEK) -> list[AssignmentStanding]:
    """Assignments overdue, or due within ``horizon``, with who has not finished them;
    earliest due first. ``progress`` must cover the assignments' courses."""
    result = []
    for assignment in assignments:
        due = assignment.due_at
        course = courses.get(assignment.course_id)
        if due is None or course is None or due - now > horizon:
            continue
        merged = assigned_modules(course, assignment.module_id)
        if merged is None:
            continue
        unfinished = [s for s in students
                      if not module_cell(s.id, merged, progress, due, now).done]
        title = course.title if assignment.module_id is None else merged.title
        standing = AssignmentStanding(assignment, title, course.title)
        (standing.late if due < now else standing.pending).extend(unfinished)
        result.append(standing)
    result.sort(key=lambda s: (s.assignment.due_at, s.title))
    return result
