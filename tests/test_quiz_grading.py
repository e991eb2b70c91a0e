"""Grading whole attempts: pure, no app."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.questions.grading import UnknownQuestionType, grade_attempt
from lms.questions.parse import QuestionSpec, parse_questions
from lms.questions.types import load_question_types

TYPES = load_question_types()
QUIZ = """\
## Who decides how the Fairtrade Premium is spent?
- [ ] The supermarket
- [x] The producers, together
- [ ] The certification body

## Which are WFTO principles?
- [x] Fair price
- [x] Respect for the environment
- [ ] Lowest price

## Fair trade coffee always pays exactly the Minimum Price.
Type: true-false
Answer: false

## Who earned the most from something you bought?
Type: reflection
"""
QUESTIONS, _PROBLEMS = parse_questions(QUIZ, path="q.md", first_line=1)


def test_fixture_parses() -> None:
    assert _PROBLEMS == [] and [q.key for q in QUESTIONS] == ["q1", "q2", "q3", "q4"]


def test_all_right() -> None:
    grade = grade_attempt(QUESTIONS, {"q1": 1, "q2": [0, 1], "q3": False, "q4": "The shop."},
                          TYPES)
    assert grade.score_percent == 100.0 and grade.passed
    assert grade.graded_count == 3 and grade.unanswered == []
    assert grade.per_question["q4"].correct is None


def test_partial_credit_and_pass_mark_boundary() -> None:
    # 1 + 0.5 + 0 = 1.5 of 3 → 50 %
    grade = grade_attempt(QUESTIONS, {"q1": 1, "q2": [0], "q3": True}, TYPES, pass_mark=50)
    assert grade.score_percent == pytest.approx(50.0)
    assert grade.passed  # exactly the pass mark passes
    assert grade.unanswered == ["q4"]  # the reflection is missing but does not block
    assert not grade_attempt(QUESTIONS, {"q1": 1, "q2": [0], "q3": True}, TYPES).passed


def test_thirds_reach_a_pass_mark_despite_floats() -> None:
    questions = [QuestionSpec(f"k{i}", "true-false", "", "", {"answer": True}, 1)
                 for i in range(3)]
    grade = grade_attempt(questions, {"k0": True, "k1": True, "k2": False}, TYPES,
                          pass_mark=67)
    assert grade.score_percent == pytest.approx(200 / 3)
    assert not grade.passed
    assert grade_attempt(questions, {"k0": True, "k1": True}, TYPES, pass_mark=66).passed


def test_unanswered_questions_score_zero() -> None:
    grade = grade_attempt(QUESTIONS, {"q1": None, "q2": []}, TYPES)
    assert grade.score_percent == 0.0 and not grade.passed
    assert grade.unanswered == ["q1", "q2", "q3", "q4"]  # nothing ticked is not an answer
    assert grade.per_question["q1"].points == 0.0


def test_reflection_only_quiz_passes_when_all_answered() -> None:
    reflections = [QuestionSpec(k, "reflection", "", "", {}, 1) for k in ("a", "b")]
    done = grade_attempt(reflections, {"a": "yes", "b": "no"}, TYPES, pass_mark=100)
    assert done.passed and done.graded_count == 0 and done.score_percent == 100.0
    missing = grade_attempt(reflections, {"a": "yes", "b": "   "}, TYPES)
    assert not missing.passed and missing.unanswered == ["b"]


def test_empty_quiz_passes() -> None:
    assert grade_attempt([], {}, TYPES).passed


def test_unknown_type_is_reported() -> None:
    with pytest.raises(UnknownQuestionType, match="'hotspot', which is not installed"):
        grade_attempt([QuestionSpec("x", "hotspot", "", "", {}, 1)], {}, TYPES)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["q1", "q2", "q3", "q4", "zz"]),
                       st.none() | st.integers() | st.booleans() | st.text()
                       | st.lists(st.integers(-2, 5))))
def test_any_answers_give_a_bounded_score(answers: dict[str, Any]) -> None:
    grade = grade_attempt(QUESTIONS, answers, TYPES)
    assert 0.0 <= grade.score_percent <= 100.0
    assert set(grade.per_question) == {"q1", "q2", "q3", "q4"}
