"""The teacher's view of a class, built from loaded rows by pure functions (no queries here).

Completion follows :mod:`lms.progress.rules`: a module's percentage counts its required items
(lessons, and quizzes marked required, which are complete when passed). The "best quiz score"
of a module is the best submitted score of its quiz, or the mean of the best scores when a
module has several quizzes (only quizzes the student attempted count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lms.auth.models import User
from lms.classes.models import Assignment
from lms.classes.queries import CourseInfo, ItemInfo, ModuleInfo, Progress
from lms.percent import percent_of
from lms.progress.rules import ItemState, module_progress


@dataclass(frozen=True)
class ModuleCell:
    percent: int
    done: bool
    completed_at: datetime | None
    best_score: float | None
    due_at: datetime | None
    overdue: bool
    started: bool


@dataclass(frozen=True)
class StudentRow:
    user: User
    cells: list[ModuleCell]

    @property
    def overdue_count(self) -> int:
        return sum(1 for cell in self.cells if cell.overdue)


@dataclass(frozen=True)
class ModuleColumn:
    info: ModuleInfo
    assigned: bool
    due_at: datetime | None


@dataclass(frozen=True)
class ModuleMatrix:
    course: CourseInfo
    columns: list[ModuleColumn]
    rows: list[StudentRow]


def module_dues(course: CourseInfo, assignments: Sequence[Assignment]
                ) -> dict[int, tuple[bool, datetime | None]]:
    """Per module of ``course``: whether it is assigned and its due date.

    A module assigned on its own keeps its own date over the whole course's.
    """
    whole = [a for a in assignments if a.course_id == course.course.id and a.module_id is None]
    result: dict[int, tuple[bool, datetime | None]] = {
        m.module.id: (bool(whole), whole[0].due_at if whole else None) for m in course.modules}
    for assignment in assignments:
        if assignment.course_id == course.course.id and assignment.module_id in result:
            result[assignment.module_id] = (True, assignment.due_at)
    return result


def module_cell(user_id: int, module: ModuleInfo, progress: Progress, due_at: datetime | None,
                now: datetime) -> ModuleCell:
    """One student's standing in one module."""
    states, dates, scores = [], [], []
    started = False
    for entry in module.items:
        key = (user_id, entry.item.id)
        completed_at = progress.completed.get(key)
        best = progress.best_score.get(key)
        started = started or completed_at is not None or key in progress.attempts
        states.append(ItemState(entry.item.id, entry.item.kind, entry.item.required,
                                completed_at is not None, best))
        if completed_at is not None and entry.counts:
            dates.append(completed_at)
        if best is not None:
            scores.append(best)
    result = module_progress(states)
    done = result.total > 0 and result.complete
    return ModuleCell(
        percent=result.percent if result.total else 0,
        done=done,
        completed_at=max(dates) if done and dates else None,
        best_score=sum(scores) / len(scores) if scores else None,
        due_at=due_at,
        overdue=due_at is not None and due_at < now and not done,
        started=started,
    )


def module_matrix(course: CourseInfo, students: Sequence[User], progress: Progress,
                  assignments: Sequence[Assignment], *, now: datetime) -> ModuleMatrix:
    """Students × modules of one course."""
    dues = module_dues(course, assignments)
    columns = [ModuleColumn(m, *dues[m.module.id]) for m in course.modules]
    rows = [
        StudentRow(student, [module_cell(student.id, column.info, progress,
                                         column.due_at if column.assigned else None, now)
                             for column in columns])
        for student in students
    ]
    return ModuleMatrix(course, columns, rows)


@dataclass(frozen=True)
class LessonCell:
    item: ItemInfo
    completed_at: datetime | None
    best_score: float | None
    attempts: int


def lesson_rows(module: ModuleInfo, students: Sequence[User], progress: Progress
                ) -> list[tuple[User, list[LessonCell]]]:
    """Students × items of one module (the drill-down)."""
    return [
        (student, [LessonCell(entry, progress.completed.get((student.id, entry.item.id)),
                              progress.best_score.get((student.id, entry.item.id)),
                              progress.attempts.get((student.id, entry.item.id), 0))
                   for entry in module.items])
        for student in students
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    done: int
    total: int
    percent: int
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    """Geometry of the horizontal bar chart: share of students who completed each module."""

    bars: list[Bar] = field(default_factory=list)
    width: int = 480
    label_width: int = 0
    bar_area: int = 0
    height: int = 0
    row: int = 28


def completion_chart(matrix: ModuleMatrix, *, width: int = 480, row: int = 28) -> Chart:
    """Bars for the SVG in ``lms/classes/_chart.html``; the same numbers go in a table."""
    label_width, right = 150, 70
    bar_area = width - label_width - right
    total = len(matrix.rows)
    bars = []
    for index, column in enumerate(matrix.columns):
        done = sum(1 for row in matrix.rows if row.cells[index].done)
        percent = percent_of(done, total)
        bars.append(Bar(column.info.title, done, total, percent, index * row,
                        round(bar_area * percent / 100, 1)))
    return Chart(bars, width, label_width, bar_area, max(row, len(bars) * row), row)


def short_label(text: str, limit: int = 22) -> str:
    """Chart labels are cut to fit; the full titles are in the table below the chart."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ReflectionAnswer:
    prompt_html: str
    answer: str


def reflections(questions: Sequence[dict[str, object]], answers: dict[str, object] | None
                ) -> list[ReflectionAnswer]:
    """The reflection answers of an attempt, with their prompts from the attempt's snapshot."""
    answers = answers or {}
    found = []
    for question in questions:
        if question.get("type") != "reflection":
            continue
        answer = answers.get(str(question.get("key")))
        if isinstance(answer, str) and answer.strip():
            found.append(ReflectionAnswer(str(question.get("prompt_html", "")), answer))
    return found
