"""The quiz a learner is shown: its questions frozen into the attempt, in the order shown.

Grading reads only this snapshot, so editing a quiz later never changes a past result, and the
``view`` of each question (what the form shows) never holds an answer key. The quiz and its
settings (pass mark, attempts, ...) are those of the release the learner follows; an attempt
is graded with the settings that came with its snapshot's content hash.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app

from lms.courses.item_texts import ItemBody, item_body
from lms.courses.models import Course, Item
from lms.db import db
from lms.progress.releases import learner_version, settings_at
from lms.questions.pools import draw_positions
from lms.questions.settings import QuizSettings
from lms.questions.types import QuestionType
from lms.quizzes.errors import QuizUnavailable
from lms.quizzes.models import QuizAttempt

__all__ = [
    "LearnerQuiz",
    "SnapshotQuestion",
    "form_token",
    "learner_quiz",
    "public_questions",
    "question_types",
    "quiz_text",
    "shown_settings",
    "take_snapshot",
]


@dataclass(frozen=True)
class SnapshotQuestion:
    """One question as stored with an attempt (``view`` is what the form shows)."""

    key: str
    type: str
    prompt_html: str
    explanation_html: str
    context_html: str
    config: dict[str, Any]
    view: dict[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SnapshotQuestion:
        return cls(
            key=str(data["key"]),
            type=str(data["type"]),
            prompt_html=str(data.get("prompt_html", "")),
            explanation_html=str(data.get("explanation_html", "")),
            context_html=str(data.get("context_html", "")),
            config=dict(data.get("config") or {}),
            view=dict(data.get("view") or {}),
        )


def question_types() -> Mapping[str, QuestionType]:
    return current_app.extensions["lms"].question_types  # type: ignore[no-any-return]


@dataclass(frozen=True)
class LearnerQuiz:
    """A quiz as the release a learner follows has it."""

    item: Item
    settings: QuizSettings
    content_hash: str


def learner_quiz(user_id: int, item_id: int) -> LearnerQuiz:
    """The quiz at ``item_id`` in the learner's release (:class:`QuizUnavailable` if none)."""
    item = db.session.get(Item, item_id)
    if item is None or not item.available:
        raise QuizUnavailable(f"item {item_id} has no quiz")
    version = learner_version(user_id, item)
    if version.quiz_settings is None:
        raise QuizUnavailable(f"item {item_id} is no quiz in the release of user {user_id}")
    return LearnerQuiz(item, QuizSettings.from_dict(version.quiz_settings),
                       version.content_hash)


def shown_settings(attempt: QuizAttempt, settings: QuizSettings,
                   content_hash: str) -> QuizSettings:
    """The settings that came with the attempt's questions.

    ``settings`` and ``content_hash`` are the quiz in the learner's release; an attempt shown
    from another release (the learner moved on since) keeps the pass mark it was shown with.
    """
    if attempt.content_hash == content_hash:
        return settings
    stored = settings_at(attempt.item_id, attempt.content_hash)
    return QuizSettings.from_dict(stored) if stored is not None else settings


def quiz_text(item: Item, language: str, content_hash: str) -> ItemBody:
    """The quiz's text in ``language`` at ``content_hash`` (the learner's release).

    The same per-worker copy the item page shows; the course is usually in the session
    already (the page looked it up), so this costs no query.
    """
    course = db.session.get(Course, item.course_id)
    try:
        if course is not None:
            return item_body(item, language, course, content_hash)
    except KeyError:
        pass
    raise QuizUnavailable(f"item {item.id} has no text")


def public_questions(
    questions: Sequence[Mapping[str, Any]], settings: QuizSettings, rng: random.Random | None,
) -> list[dict[str, Any]]:
    """The questions one attempt asks (all, or ``settings.draw`` of them, drawn by ``rng``)
    in the order shown, each with its ``view`` (options shuffled by ``rng``). What is
    returned is the attempt's snapshot: grading and review read only that."""
    types = question_types()
    known = [q for q in questions if q.get("type") in types]
    chosen = [dict(known[i]) for i in draw_positions(len(known), settings.draw, rng)]
    if rng is not None and settings.shuffle_questions:
        rng.shuffle(chosen)
    for question in chosen:
        qtype = types[question["type"]]
        question["view"] = qtype.public_view(
            question["config"], rng if settings.shuffle_options else None)
    return chosen


def take_snapshot(attempt: QuizAttempt, item: Item, settings: QuizSettings, language: str,
                  content_hash: str, *, seed: int | None = None) -> None:
    """Fill ``attempt`` with the quiz as the learner's release has it, with a fresh seed
    unless ``seed`` is given (the same quiz shown in another language: the same draw)."""
    text = quiz_text(item, language, content_hash)
    seed = secrets.randbits(31) if seed is None else seed
    attempt.language = text.language
    attempt.seed = seed
    attempt.content_hash = content_hash
    attempt.questions = public_questions(text.questions or [], settings, random.Random(seed))


def form_token(attempt: QuizAttempt) -> str:
    """Names the exact form shown: changes whenever the attempt's snapshot is rebuilt."""
    raw = f"{attempt.id}:{attempt.content_hash}:{attempt.language}:{attempt.seed}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]
