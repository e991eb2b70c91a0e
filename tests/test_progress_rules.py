"""Completion rules, tested as pure functions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lms.progress.rules import ItemState, course_progress, module_progress


def test_module_complete_when_lessons_done_and_required_quiz_passed() -> None:
    items = [ItemState(1, "lesson", complete=True), ItemState(2, "lesson", complete=True),
             ItemState(3, "quiz", complete=False, best_score=50, pass_mark=70)]
    progress = module_progress(items)
    assert not progress.complete and progress.lessons_left == 0
    assert progress.quizzes_pending[0].best_score == 50
    assert progress.quizzes_pending[0].pass_mark == 70
    done = module_progress([*items[:2], ItemState(3, "quiz", complete=True)])
    assert done.complete and done.percent == 100


def test_optional_quiz_never_blocks() -> None:
    progress = module_progress([ItemState(1, "lesson", complete=True),
                                ItemState(2, "quiz", required=False)])
    assert progress.complete and progress.total == 1


def test_course_progress_counts_modules_and_items() -> None:
    a = module_progress([ItemState(1, "lesson", complete=True)])
    b = module_progress([ItemState(2, "lesson"), ItemState(3, "lesson", complete=True)])
    progress = course_progress([a, b])
    assert (progress.modules_done, progress.modules_total) == (1, 2)
    assert progress.percent == 66 and not progress.complete


def test_empty_course_is_never_complete() -> None:
    assert not course_progress([]).complete


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=30))
def test_percent_is_bounded_and_complete_means_all_done(flags: list[tuple[bool, bool]]) -> None:
    items = [ItemState(i, "lesson", required=required, complete=complete)
             for i, (required, complete) in enumerate(flags)]
    progress = module_progress(items)
    assert 0 <= progress.percent <= 100
    assert progress.complete == all(item.complete for item in items if item.required)
