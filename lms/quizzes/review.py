"""The result page's view of a submitted attempt: what was answered, and what was right.

Everything comes from the attempt's own snapshot, so a quiz edited later shows past
attempts exactly as they were answered and graded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal, gettext
from markupsafe import Markup, escape

from lms.percent import shown_percent
from lms.questions.settings import QuizSettings
from lms.questions.types import QuestionType
from lms.quizzes.models import QuizAttempt


@dataclass(frozen=True)
class ReviewQuestion:
    """One question of a submitted attempt, ready to display.

    ``status``: correct | partial | wrong | unanswered | reflection | submitted (when answers
    are not revealed, graded questions only say whether they were answered).
    """

    key: str
    number: int
    prompt_html: str
    context_html: str
    status: str
    percent: int
    your_answer: list[Markup]
    correct_answer: list[Markup]
    feedback_html: list[Markup]
    explanation_html: Markup


def reveals_answers(settings: QuizSettings, *, passed_ever: bool) -> bool:
    """Whether feedback, explanations and right answers may be shown (``show_answers``)."""
    if settings.show_answers == "after_each_attempt":
        return True
    return settings.show_answers == "after_pass" and passed_ever


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return str(format_decimal(value, format="#,##0.########"))


def _option(config: Mapping[str, Any], index: Any, key: str = "options") -> Markup:
    items = config.get(key) or []
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(items):
        item = items[index]
        return Markup(item["html"] if isinstance(item, dict) else item)
    return Markup("—")


def describe(type_name: str, config: Mapping[str, Any], answer: Any) -> list[Markup]:
    """An answer in words, one line per part; built-in types know their shape."""
    if answer is None:
        return []
    if type_name == "single":
        return [_option(config, answer)]
    if type_name == "multiple" and isinstance(answer, list):
        return [_option(config, i) for i in answer]
    if type_name == "true-false" and isinstance(answer, bool):
        return [Markup(escape(gettext("True") if answer else gettext("False")))]
    if type_name == "numeric":
        return [Markup(escape(_number(answer)))]
    if type_name == "ordering" and isinstance(answer, list):
        return [Markup("{}. {}").format(pos, _option(config, i, "items"))
                for pos, i in enumerate(answer, start=1)]
    if type_name == "matching" and isinstance(answer, list):
        pairs = config.get("pairs") or []
        rights: list[str] = []
        for pair in pairs:
            if pair.get("right") not in rights:
                rights.append(pair.get("right"))
        lines = []
        for pair, pick in zip(pairs, answer, strict=False):
            right = (Markup(rights[pick]) if isinstance(pick, int) and 0 <= pick < len(rights)
                     else Markup("—"))
            lines.append(Markup("{} → {}").format(Markup(pair.get("left", "")), right))
        return lines
    if type_name == "cloze" and isinstance(answer, list):
        return [Markup("{}. {}").format(n, v or "—") for n, v in enumerate(answer, start=1)]
    if isinstance(answer, str):
        return [Markup(escape(answer))]
    return [Markup(escape(str(answer)))]


def describe_correct(qtype: QuestionType, config: Mapping[str, Any]) -> list[Markup]:
    """The right answer in words; several accepted answers are all listed."""
    name = qtype.name
    if name == "short":
        return [Markup(" / ").join(escape(a) for a in config.get("answers", []))]
    if name == "numeric":
        value = _number(config.get("answer"))
        tolerance = config.get("tolerance") or 0
        return [Markup(escape(f"{value} ± {_number(tolerance)}" if tolerance else value))]
    if name == "cloze":
        return [Markup("{}. {}").format(n, " / ".join(alts))
                for n, alts in enumerate(config.get("blanks", []), start=1)]
    if not qtype.graded:
        return []
    return describe(name, config, qtype.correct_answer(dict(config)))


def review(attempt: QuizAttempt, types: Mapping[str, QuestionType], *,
           reveal: bool) -> list[ReviewQuestion]:
    """Each question of a submitted attempt, in the order it was shown."""
    answers = attempt.answers or {}
    results = attempt.results or {}
    rows = []
    for number, question in enumerate(attempt.questions, start=1):
        key = question["key"]
        qtype = types.get(question["type"])
        result = results.get(key, {})
        answer = answers.get(key)
        points = float(result.get("points") or 0.0)
        if qtype is not None and not qtype.graded:
            status = "reflection" if result.get("answered") else "unanswered"
        elif not result.get("answered"):
            status = "unanswered"
        elif not reveal:
            status = "submitted"
        else:
            status = "correct" if points >= 1 else "partial" if points > 0 else "wrong"
        config = question.get("config") or {}
        rows.append(ReviewQuestion(
            key=key,
            number=number,
            prompt_html=question.get("prompt_html", ""),
            context_html=question.get("context_html", ""),
            status=status,
            percent=shown_percent(points * 100),
            your_answer=describe(question["type"], config, answer),
            correct_answer=(describe_correct(qtype, config)
                            if reveal and qtype is not None and status != "correct" else []),
            feedback_html=[Markup(f) for f in result.get("feedback_html", [])] if reveal else [],
            explanation_html=Markup(question.get("explanation_html", "")) if reveal
            else Markup(""),
        ))
    return rows
