"""Completion rules, as pure functions over stored progress (no database, no app).

A lesson counts when it is marked complete. A required quiz counts when it is passed;
an optional quiz never blocks anything. A module is complete when every item that counts
is done; a course is complete when every module is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lms.percent import percent_of


@dataclass(frozen=True)
class ItemState:
    item_id: int
    kind: str  # "lesson" | "quiz"
    required: bool = True
    complete: bool = False
    best_score: float | None = None  # best quiz score in percent, when attempted
    pass_mark: int | None = None


@dataclass(frozen=True)
class PendingQuiz:
    item_id: int
    best_score: float | None
    pass_mark: int


@dataclass(frozen=True)
class ModuleProgress:
    done: int
    total: int
    lessons_left: int = 0
    quizzes_pending: tuple[PendingQuiz, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    @property
    def percent(self) -> int:
        return percent_of(self.done, self.total, empty=100)


def module_progress(items: Sequence[ItemState]) -> ModuleProgress:
    """How far a learner is in one module, and what is still missing."""
    counted = [item for item in items if item.required]
    lessons_left = sum(1 for item in counted if item.kind == "lesson" and not item.complete)
    pending = tuple(
        PendingQuiz(item.item_id, item.best_score, item.pass_mark or 0)
        for item in counted
        if item.kind != "lesson" and not item.complete
    )
    return ModuleProgress(
        done=sum(1 for item in counted if item.complete),
        total=len(counted),
        lessons_left=lessons_left,
        quizzes_pending=pending,
    )


@dataclass(frozen=True)
class CourseProgress:
    modules_done: int
    modules_total: int
    items_done: int
    items_total: int

    @property
    def complete(self) -> bool:
        return self.modules_total > 0 and self.modules_done >= self.modules_total

    @property
    def percent(self) -> int:
        return percent_of(self.items_done, self.items_total)


def course_progress(modules: Sequence[ModuleProgress]) -> CourseProgress:
    """Course progress from its modules' progress."""
    return CourseProgress(
        modules_done=sum(1 for module in modules if module.complete),
        modules_total=len(modules),
        items_done=sum(module.done for module in modules),
        items_total=sum(module.total for module in modules),
    )
