"""Taking quizzes: start or resume an attempt, submit it, read results and best scores.

Every function owns its commit and never reads the request. Grading happens only here, on
the server, against the snapshot stored with the attempt: editing a quiz later never changes
a past result, and the page the learner sees never holds an answer key.

What the learner is shown is built in :mod:`lms.quizzes.snapshot`; the refusals these
functions raise are in :mod:`lms.quizzes.errors`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms.courses.models import Item
from lms.db import db
from lms.percent import TOLERANCE
from lms.progress.services import CompletionResult, mark_item_complete
from lms.questions.grading import grade_attempt
from lms.questions.settings import QuizSettings
from lms.questions.types import AnswerMistake
from lms.quizzes.errors import (
    NOT_OFFERED,
    UNKNOWN_QUESTION,
    AnswerErrors,
    AttemptNotFound,
    AttemptsExhausted,
    EmptySubmission,
    QuizChanged,
)
from lms.quizzes.models import QuizAttempt
from lms.quizzes.snapshot import (
    SnapshotQuestion,
    form_token,
    learner_quiz,
    question_types,
    quiz_text,
    shown_settings,
    take_snapshot,
)
from lms.signals import quiz_submitted

__all__ = [
    "AttemptResult",
    "QuizStatus",
    "best_scores",
    "get_attempt",
    "meets",
    "passed_in_current_release",
    "quiz_status",
    "shown_settings",
    "start_or_resume_attempt",
    "submit_attempt",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttemptResult:
    """What a submission led to. ``newly_submitted`` is False for a repeated post."""

    attempt_id: int
    number: int
    score_percent: float
    passed: bool
    newly_submitted: bool
    unanswered: list[str] = field(default_factory=list)
    completion: CompletionResult | None = None


@dataclass(frozen=True)
class QuizStatus:
    """A learner's standing on one quiz."""

    settings: QuizSettings
    used: int  # submitted attempts
    best_score: float | None
    passed: bool
    last_number: int | None  # the last submitted attempt, for "see your result"

    @property
    def attempts_left(self) -> int | None:
        """None when unlimited."""
        if not self.settings.attempts:
            return None
        return max(0, self.settings.attempts - self.used)


def _used(user_id: int, item_id: int) -> int:
    return db.session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user_id, QuizAttempt.item_id == item_id,
            QuizAttempt.submitted_at.is_not(None))
    ) or 0


def _open_attempt(user_id: int, item_id: int) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id, QuizAttempt.item_id == item_id,
            QuizAttempt.submitted_at.is_(None)).order_by(QuizAttempt.number.desc()).limit(1))


def start_or_resume_attempt(
    user_id: int, item_id: int, *, language: str, now: datetime,
) -> QuizAttempt:
    """The learner's open attempt at this quiz, or a new one.

    The quiz and its settings are those of the release the learner follows. An open attempt
    whose quiz changed since it was shown (the learner moved to a new release), or that was
    shown in another language, is rebuilt (nothing was answered yet). Raises
    :class:`AttemptsExhausted` when every allowed attempt has been submitted and
    :class:`QuizUnavailable` for a non-quiz.
    """
    quiz = learner_quiz(user_id, item_id)
    item, settings, content_hash = quiz.item, quiz.settings, quiz.content_hash
    for _ in range(3):
        attempt = _open_attempt(user_id, item_id)
        if attempt is not None:
            wanted = quiz_text(item, language, content_hash).language
            if attempt.content_hash != content_hash or attempt.language != wanted:
                # Another language of the same quiz keeps the seed, so the same questions
                # are drawn: switching language never draws a pool again.
                same = attempt.content_hash == content_hash
                take_snapshot(attempt, item, settings, language, content_hash,
                              seed=attempt.seed if same else None)
                attempt.started_at = now
                db.session.commit()
            return attempt
        used = _used(user_id, item_id)
        if settings.attempts and used >= settings.attempts:
            raise AttemptsExhausted(used, settings.attempts)
        last = db.session.scalar(select(func.max(QuizAttempt.number)).where(
            QuizAttempt.user_id == user_id, QuizAttempt.item_id == item_id)) or 0
        attempt = QuizAttempt(user_id=user_id, item_id=item.id, course_id=item.course_id,
                              number=last + 1, started_at=now)
        take_snapshot(attempt, item, settings, language, content_hash)
        db.session.add(attempt)
        try:
            db.session.commit()
        except IntegrityError:  # the same learner opened the quiz in another tab just now
            db.session.rollback()
            continue
        return attempt
    raise RuntimeError(f"could not start an attempt for user {user_id} on item {item_id}")


def _result(attempt: QuizAttempt, *, newly: bool,
            completion: CompletionResult | None = None) -> AttemptResult:
    results = attempt.results or {}
    return AttemptResult(
        attempt_id=attempt.id,
        number=attempt.number,
        score_percent=attempt.score_percent or 0.0,
        passed=bool(attempt.passed),
        newly_submitted=newly,
        unanswered=[k for k, r in results.items() if not r.get("answered")],
        completion=completion,
    )


def submit_attempt(
    attempt_id: int,
    user_id: int,
    raw_answers: Mapping[str, Sequence[str]],
    *,
    submission_token: str,
    now: datetime,
    item_id: int | None = None,
    language: str | None = None,
) -> AttemptResult:
    """Grade an open attempt against its snapshot, once.

    ``language`` is the page's: numbers are read the way it writes them ("20.000" is 20000
    in Italian); without it, the language the quiz was shown in.

    ``raw_answers`` maps question keys to the posted strings (``getlist``);
    ``submission_token`` is the form's :func:`form_token`, and ``item_id`` (when given) the
    item the form was posted to. A repeated post
    of a submitted attempt returns its stored result. Nothing is written when the attempt
    no longer holds the questions the form showed (:class:`QuizChanged`), a value was
    tampered with or a key is unknown (:class:`AnswerErrors`), or nothing was answered
    (:class:`EmptySubmission`).

    The attempt is graded by the questions it showed and the settings that came with them,
    even when the learner moved to a new release of the course in between.
    """
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id or (
            item_id is not None and attempt.item_id != item_id):
        raise AttemptNotFound(f"no attempt {attempt_id} for user {user_id}")
    if attempt.submitted_at is not None:
        return _result(attempt, newly=False)
    quiz = learner_quiz(user_id, attempt.item_id)
    item = quiz.item
    # The token names the snapshot the form was built from: it changes when the attempt is
    # rebuilt (opened again after a move to a new release, or in another language).
    if submission_token != form_token(attempt):
        raise QuizChanged(f"attempt {attempt.id} was shown from another version of the quiz")
    settings = shown_settings(attempt, quiz.settings, quiz.content_hash)
    used = _used(user_id, item.id)
    if settings.attempts and used >= settings.attempts:
        raise AttemptsExhausted(used, settings.attempts)

    types = question_types()
    questions = [SnapshotQuestion.from_dict(q) for q in attempt.questions]
    by_key = {q.key: q for q in questions}
    errors: dict[str, str] = {
        key: UNKNOWN_QUESTION for key in raw_answers if key not in by_key}
    answers: dict[str, Any] = {}
    for question in questions:
        try:
            answers[question.key] = types[question.type].parse_answer_in(
                list(raw_answers.get(question.key, [])), question.view,
                language or attempt.language)
        except AnswerMistake as mistake:
            errors[question.key] = str(mistake)
        except ValueError:
            errors[question.key] = NOT_OFFERED
    if errors:
        raise AnswerErrors(errors)
    if not any(types[q.type].is_answered(answers[q.key]) for q in questions):
        raise EmptySubmission("nothing was answered")

    grade = grade_attempt(questions, answers, types, pass_mark=settings.pass_mark)
    results = {
        key: {"points": score.points, "correct": score.correct,
              "feedback_html": list(score.feedback_html),
              "answered": key not in grade.unanswered}
        for key, score in grade.per_question.items()
    }
    # Only the post that flips submitted_at from NULL grades: a double click or two tabs
    # posting together record one attempt, and the loser shows the winner's result.
    outcome = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers, results=results, score_percent=grade.score_percent,
                passed=grade.passed, submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    if outcome.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        db.session.refresh(attempt)
        return _result(attempt, newly=False)
    db.session.commit()
    db.session.refresh(attempt)
    log.info("user %s submitted attempt %s at item %s: %.1f%%", user_id, attempt.id, item.id,
             grade.score_percent)
    completion = mark_item_complete(user_id, item.id, now=now) if grade.passed else None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    quiz_submitted.send(app, user_id=user_id, item_id=item.id, attempt_id=attempt.id,
                        passed=grade.passed)
    return _result(attempt, newly=True, completion=completion)


def get_attempt(user_id: int, item_id: int, number: int) -> QuizAttempt | None:
    """One of the learner's own attempts at an item, by its number."""
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.item_id == item_id,
        QuizAttempt.number == number))


def quiz_status(user_id: int, item_id: int, *, settings: QuizSettings) -> QuizStatus:
    """Attempts used, best score and whether the learner ever passed (one query).

    ``settings`` are the quiz's in the release the learner follows (the outline has them).
    """
    used, best, passed, last = db.session.execute(
        select(func.count(QuizAttempt.id), func.max(QuizAttempt.score_percent),
               func.count(QuizAttempt.id).filter(QuizAttempt.passed.is_(True)),
               func.max(QuizAttempt.number))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.item_id == item_id,
               QuizAttempt.submitted_at.is_not(None))
    ).one()
    # Passed: an attempt passed when graded, or the best score meets the pass mark of the
    # learner's release (lower than the one it was graded with, after a move to a new one).
    return QuizStatus(settings=settings, used=used or 0, best_score=best,
                      passed=bool(passed) or meets(best, settings.pass_mark),
                      last_number=last)


def meets(score: float | None, pass_mark: int) -> bool:
    """Whether a score reaches a pass mark, with grading's tolerance."""
    return score is not None and score + TOLERANCE >= pass_mark


def passed_in_current_release(user_id: int, course_id: int) -> set[int]:
    """The course's quiz items whose pass mark in the current release the learner's best
    score meets (two queries)."""
    best = dict(db.session.execute(
        select(QuizAttempt.item_id, func.max(QuizAttempt.score_percent))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id,
               QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.item_id)).all())
    if not best:
        return set()
    # The current release reads the items' own settings (lms.progress.releases).
    items = db.session.scalars(select(Item).where(Item.id.in_(sorted(best)), Item.available))
    return {item.id for item in items if item.quiz_settings is not None and meets(
        best[item.id], QuizSettings.from_dict(item.quiz_settings).pass_mark)}


def best_scores(user_id: int, course_id: int) -> dict[int, float]:
    """The learner's best submitted score per quiz item of a course, in one query."""
    rows = db.session.execute(
        select(QuizAttempt.item_id, func.max(QuizAttempt.score_percent))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id,
               QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.item_id)
    ).all()
    return {item_id: float(score) for item_id, score in rows if score is not None}
