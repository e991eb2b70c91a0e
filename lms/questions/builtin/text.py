"""Typed-answer question types: short text, numeric and (ungraded) reflection."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import StringField, TextAreaField
from wtforms.fields.core import UnboundField

from lms.problems import N_, Problem
from lms.questions.builtin.common import normalise_text, parse_number, safe_float
from lms.questions.numbers import AmbiguousNumber
from lms.questions.types import AnswerMistake, QuestionBlock, QuestionLike, QuestionType, Score

#: Longest typed answer accepted; anything longer is not an honest answer to a short question.
MAX_SHORT_ANSWER = 500
MAX_REFLECTION = 20_000
_TOLERANCE_SPLIT = re.compile(r"\s*(?:±|\+/?-)\s*")


def _single_text(formdata_values: Sequence[str], limit: int) -> str | None:
    values = [v for v in formdata_values if v and v.strip()]
    if not values:
        return None
    if len(values) > 1:
        raise ValueError("this question takes one answer")
    if len(values[0]) > limit:
        raise ValueError(f"the answer is longer than {limit} characters")
    return values[0].strip()


def parse_match(block: QuestionBlock) -> tuple[bool, list[Problem]]:
    """``Match: exact`` → True; no Match line → False (case and accents ignored)."""
    matches = block.keyword_values("match")
    problems = [block.problem(m.line, N_("only one 'Match:' line is allowed"))
                for m in matches[1:]]
    if matches and matches[0].value.strip().lower() != "exact":
        problems.append(block.problem(matches[0].line, N_(
            "'Match:' can only be 'exact' (case and accents are ignored without it), "
            "not %(value)s"), value=repr(matches[0].value)))
    return bool(matches) and matches[0].value.strip().lower() == "exact", problems


class ShortText(QuestionType):
    """A short typed answer; one ``Answer:`` line per accepted answer.

    Whitespace is always collapsed; case and accents are ignored unless ``Match: exact``.
    """

    name = "short"
    label = _l("Short text")
    keywords = frozenset({"answer", "match"})

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        exact, problems = parse_match(block)
        answers: list[str] = []
        seen: dict[str, int] = {}
        for kw in block.keyword_values("answer"):
            if not kw.value:
                problems.append(block.problem(kw.line, N_("empty 'Answer:' line")))
                continue
            key = normalise_text(kw.value, exact=exact)
            if key in seen:
                problems.append(block.problem(kw.line, N_(
                    "duplicate answer %(answer)s (same as line %(line)s)"),
                    answer=repr(kw.value), line=seen[key]))
                continue
            seen[key] = kw.line
            answers.append(" ".join(kw.value.split()))
        if not answers and not problems:
            problems.append(block.problem(block.line, N_(
                "a short-text question needs at least one 'Answer:' line")))
        return {"answers": answers, "exact": exact}, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        answers = config.get("answers")
        errors = []
        if not (isinstance(answers, list) and answers
                and all(isinstance(a, str) and a.strip() for a in answers)):
            errors.append("'answers' must be a non-empty list of non-empty strings")
        if not isinstance(config.get("exact"), bool):
            errors.append("'exact' must be true or false")
        return errors

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return StringField(Markup(question.prompt_html),
                           render_kw={"autocomplete": "off", "spellcheck": "false"})

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> str | None:
        return _single_text(formdata_values, MAX_SHORT_ANSWER)

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        if not isinstance(answer, str):
            return Score(0.0, False)
        exact = config.get("exact") is True
        accepted = {normalise_text(a, exact=exact) for a in config.get("answers", [])
                    if isinstance(a, str)}
        correct = normalise_text(answer, exact=exact) in accepted
        return Score(1.0 if correct else 0.0, correct)

    def correct_answer(self, config: dict[str, Any]) -> str | None:
        answers = config.get("answers") or []
        return answers[0] if answers else None


class Numeric(QuestionType):
    """A number, ``Answer: 1.80 ± 0.01`` (or ``+-``); learners may write ``1,80``."""

    name = "numeric"
    label = _l("Number")
    keywords = frozenset({"answer"})

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        answers = block.keyword_values("answer")
        if not answers:
            return {}, [block.problem(block.line, N_(
                "a numeric question needs an 'Answer:' line, like 'Answer: 1.80 ± 0.01'"))]
        problems = [block.problem(a.line, N_("only one 'Answer:' line is allowed in a numeric "
                                             "question")) for a in answers[1:]]
        parts = _TOLERANCE_SPLIT.split(answers[0].value.strip(), maxsplit=1)
        try:
            value = parse_number(parts[0])
            tolerance = parse_number(parts[1]) if len(parts) > 1 else 0.0
        except AmbiguousNumber as unclear:
            problems.append(block.problem(answers[0].line, N_(
                "the numeric answer %(answer)s could mean %(grouped)s or %(decimal)s; write "
                "one of those (no thousands separator, a point for decimals)"),
                answer=repr(unclear.text), grouped=unclear.plain,
                decimal=unclear.longer.replace(",", ".")))
            return {}, problems
        except ValueError:
            problems.append(block.problem(answers[0].line, N_(
                "the numeric answer %(answer)s does not parse; "
                "write it like '1.80' or '1.80 ± 0.01'"), answer=repr(answers[0].value)))
            return {}, problems
        if tolerance < 0:
            problems.append(block.problem(answers[0].line, N_("the tolerance cannot be negative")))
        return {"answer": value, "tolerance": abs(tolerance)}, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        errors = []
        if safe_float(config.get("answer")) is None:
            errors.append("'answer' must be a finite number")
        tolerance = safe_float(config.get("tolerance"))
        if tolerance is None or tolerance < 0:
            errors.append("'tolerance' must be a number >= 0")
        return errors

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        # type="text" with inputmode: type="number" rejects "1,80" in some browsers' locales.
        return StringField(Markup(question.prompt_html),
                           render_kw={"inputmode": "decimal", "autocomplete": "off"})

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> float | None:
        return self.parse_answer_in(formdata_values, view, "en")

    def parse_answer_in(self, formdata_values: Sequence[str], view: dict[str, Any],
                        language: str) -> float | None:
        """The number as written in the quiz's language: "20.000" is 20000 in Italian."""
        text = _single_text(formdata_values, 100)
        if text is None:
            return None
        try:
            return parse_number(text, language)
        except AmbiguousNumber as unclear:
            raise AnswerMistake(_l(
                "“%(text)s” can be read in two ways. Write %(plain)s or %(longer)s, "
                "whichever you mean.", text=text.strip(), plain=unclear.plain,
                longer=unclear.longer)) from None
        except ValueError:
            raise AnswerMistake(_l("Write a number, like 1.80 or 1,80.")) from None

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        number = safe_float(answer)
        expected = safe_float(config.get("answer"))
        tolerance = safe_float(config.get("tolerance")) or 0.0
        if number is None or expected is None:
            return Score(0.0, False)
        # A little slack so that 1.79 is within 1.80 ± 0.01 despite binary floats.
        slack = 1e-9 * max(1.0, abs(expected))
        correct = abs(number - expected) <= abs(tolerance) + slack
        return Score(1.0 if correct else 0.0, correct)

    def correct_answer(self, config: dict[str, Any]) -> float | None:
        return safe_float(config.get("answer"))

    def answer_key(self, config: dict[str, Any]) -> tuple[float | None, float | None]:
        return safe_float(config.get("answer")), safe_float(config.get("tolerance"))


class Reflection(QuestionType):
    """Free text, never graded: complete once the learner writes something.

    ``grade`` returns ``correct=None`` and 1 point for any non-empty text (0 otherwise), so a
    reflection counts as done; grading leaves reflections out of the score.
    """

    name = "reflection"
    label = _l("Reflection")
    graded = False

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        return {}, []

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        return []

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return TextAreaField(Markup(question.prompt_html), render_kw={"rows": 6})

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> str | None:
        text = "\n".join(v for v in formdata_values if v).strip()
        if len(text) > MAX_REFLECTION:
            raise ValueError(f"the answer is longer than {MAX_REFLECTION} characters")
        return text or None

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        done = isinstance(answer, str) and bool(answer.strip())
        return Score(1.0 if done else 0.0, None)

    def correct_answer(self, config: dict[str, Any]) -> str:
        return "Any thoughtful answer."
