"""The quiz form shown on an item page, built from the attempt's public views only.

The form never sees a question's ``config`` (the answer key): each field is built by the
question type from ``view``, the shuffled, token-only version stored with the attempt.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict
from wtforms import Form

from lms.courses.item_texts import ItemBody
from lms.courses.lookup import ItemInfo
from lms.questions.settings import QuizSettings
from lms.quizzes import services, snapshot
from lms.quizzes.errors import AttemptsExhausted

#: Posted names that are not answers.
CONTROL_FIELDS = frozenset({"csrf_token", "attempt", "token"})
#: Field types drawn as a group of controls: a <fieldset> whose <legend> is the question.
GROUP_FIELDS = frozenset({"RadioField", "SelectMultipleField", "MultiValueField"})


@dataclass(frozen=True)
class _Prompt:
    """What ``QuestionType.build_field`` needs of a question (no config)."""

    key: str
    type: str
    prompt_html: str


@dataclass(frozen=True)
class PublicQuestion:
    """A question as the page may show it: prompt, context and the form's view, no key."""

    key: str
    type: str
    number: int
    prompt_html: str
    context_html: str
    view: dict[str, Any]


def public(questions: Sequence[Mapping[str, Any]]) -> list[PublicQuestion]:
    """Strip everything but what the page shows (answer keys and explanations stay out)."""
    return [PublicQuestion(key=str(q["key"]), type=str(q["type"]), number=n,
                           prompt_html=str(q.get("prompt_html", "")),
                           context_html=str(q.get("context_html", "")),
                           view=dict(q.get("view") or {}))
            for n, q in enumerate(questions, start=1)]


def build_quiz_form(questions: Sequence[PublicQuestion],
                    formdata: MultiDict[str, str] | None = None) -> Form:
    """A wtforms Form with one field per question, named by the question's key."""
    types = current_app.extensions["lms"].question_types

    class QuizForm(Form):
        pass

    for question in questions:
        prompt = _Prompt(question.key, question.type, question.prompt_html)
        setattr(QuizForm, question.key,
                types[question.type].build_field(prompt, question.view))
    return QuizForm(formdata=formdata)


@dataclass(frozen=True)
class QuizInput:
    """A posted quiz form to show again, with what was wrong with it."""

    formdata: MultiDict[str, str] | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    form_error: str = ""


@dataclass
class QuizPanel:
    """Everything the item page needs to show a quiz.

    ``mode``: ``anonymous`` (questions, log in to answer), ``form`` (an open attempt),
    ``exhausted`` (no attempts left).
    """

    mode: str
    settings: QuizSettings
    questions: list[PublicQuestion] = field(default_factory=list)
    form: Form | None = None
    attempt_id: int | None = None
    token: str = ""
    attempt_number: int | None = None
    status: services.QuizStatus | None = None
    errors: dict[str, str] = field(default_factory=dict)
    form_error: str = ""
    language: str = ""  # the language of the questions (course content may be untranslated)
    bank: int = 0  # how many questions the quiz has (more than shown when it draws a pool)


def quiz_panel(
    item: ItemInfo,
    text: ItemBody,
    quiz_settings: Mapping[str, Any],
    *,
    user_id: int | None,
    language: str,
    now: datetime,
    formdata: MultiDict[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    form_error: str = "",
) -> QuizPanel:
    """The quiz part of an item page; for a learner this starts or resumes an attempt.

    ``quiz_settings`` are the quiz's in the release shown (``OutlineItem.quiz_settings``).
    """
    settings = QuizSettings.from_dict(quiz_settings)
    if user_id is None:
        # Shown, not answerable: a stable order that is not any learner's attempt.
        questions = public(snapshot.public_questions(text.questions or [], settings,
                                                     random.Random(item.id)))
        return QuizPanel("anonymous", settings, questions, build_quiz_form(questions),
                         language=text.language, bank=len(text.questions or []))
    status = services.quiz_status(user_id, item.id, settings=settings)
    try:
        attempt = services.start_or_resume_attempt(user_id, item.id, language=language, now=now)
    except AttemptsExhausted:
        return QuizPanel("exhausted", settings, status=status)
    questions = public(attempt.questions)
    return QuizPanel(
        "form", settings, questions, build_quiz_form(questions, formdata),
        attempt_id=attempt.id, token=snapshot.form_token(attempt),
        attempt_number=attempt.number, status=status, errors=dict(errors or {}),
        form_error=form_error, language=attempt.language, bank=len(text.questions or []),
    )
