"""Grade a whole attempt from per-question scores. Pure: values in, values out."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lms.percent import TOLERANCE
from lms.questions.types import QuestionType, Score

__all__ = ["AttemptGrade", "GradableQuestion", "UnknownQuestionType", "grade_attempt"]

logger = logging.getLogger(__name__)

# Scores are sums of fractions such as 1/3; compare against the pass mark with the slack the
# shown percentage uses too, so "70%" is shown exactly when a 70% pass mark is reached.
_EPSILON = TOLERANCE


class GradableQuestion(Protocol):
    """What grading needs of a question: a QuestionSpec or a database row."""

    key: str
    type: str
    config: dict[str, Any]


class UnknownQuestionType(LookupError):
    """A stored question uses a type no installed plugin provides."""


@dataclass(frozen=True)
class AttemptGrade:
    """The result of one attempt.

    ``score_percent`` covers graded questions only (reflections are left out); a quiz without
    graded questions scores 100 when every reflection is answered, else 0.
    """

    score_percent: float
    passed: bool
    per_question: dict[str, Score] = field(default_factory=dict)
    graded_count: int = 0
    unanswered: list[str] = field(default_factory=list)


def grade_attempt(
    questions: Sequence[GradableQuestion],
    answers: Mapping[str, Any],
    types: Mapping[str, QuestionType],
    *,
    pass_mark: int = 70,
) -> AttemptGrade:
    """Grade every question; a missing or blank answer scores 0 and is listed in ``unanswered``.

    An unanswered reflection does not lower the score (it is not scored) and does not stop a
    pass: open questions must never block the auto-graded part.
    """
    per_question: dict[str, Score] = {}
    unanswered: list[str] = []
    total = 0.0
    graded = 0
    reflections_done = True
    for question in questions:
        qtype = types.get(question.type)
        if qtype is None:
            raise UnknownQuestionType(
                f"question {question.key!r} has type {question.type!r}, which is not installed")
        answer = answers.get(question.key)
        answered = qtype.is_answered(answer)
        if not answered:
            unanswered.append(question.key)
        score = qtype.grade(question.config, answer) if answered else Score(
            0.0, False if qtype.graded else None)
        per_question[question.key] = score
        if qtype.graded:
            graded += 1
            total += min(1.0, max(0.0, score.points))
        elif not answered:
            reflections_done = False
    if graded:
        percent = 100.0 * total / graded
        passed = percent + _EPSILON >= pass_mark
    else:
        percent = 100.0 if reflections_done else 0.0
        passed = reflections_done
    logger.debug("graded %d questions: %.1f%% (pass mark %d)", graded, percent, pass_mark)
    return AttemptGrade(
        score_percent=percent,
        passed=passed,
        per_question=per_question,
        graded_count=graded,
        unanswered=unanswered,
    )
