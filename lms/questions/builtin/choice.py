"""Choice question types: single choice, multiple choice and true-false."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import RadioField, SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.widgets import CheckboxInput, ListWidget

from lms.problems import N_, Problem
from lms.questions.builtin.common import (
    CHECK_RE,
    FEEDBACK_RE,
    normalise_text,
    render_inline,
    render_markdown,
    token,
    token_index,
)
from lms.questions.types import BodyLine, QuestionBlock, QuestionLike, QuestionType, Score


@dataclass
class _Option:
    text: str
    correct: bool
    line: int
    feedback: list[str] = field(default_factory=list)


def split_checklist(block: QuestionBlock) -> tuple[list[_Option], list[BodyLine]]:
    """Checklist options (with their indented ``>`` feedback) and the remaining context lines."""
    options: list[_Option] = []
    context: list[BodyLine] = []
    current: _Option | None = None
    for body in block.lines:
        match = CHECK_RE.match(body.text)
        if match:
            current = _Option(match.group(2), match.group(1) != " ", body.line)
            options.append(current)
            continue
        feedback = FEEDBACK_RE.match(body.text)
        if feedback and current is not None:
            current.feedback.append(feedback.group(1))
            continue
        current = None
        context.append(body)
    return options, context


def _views(config: dict[str, Any]) -> list[dict[str, Any]]:
    options = config.get("options")
    return options if isinstance(options, list) else []


class _ChoiceType(QuestionType):
    """Shared parsing and views of checklist questions."""

    min_correct = 1
    max_correct: int | None = None

    def context_lines(self, block: QuestionBlock) -> list[BodyLine]:
        return split_checklist(block)[1]

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        options, _ = split_checklist(block)
        problems: list[Problem] = []
        if len(options) < 2:
            problems.append(block.problem(block.line, N_(
                "a choice question needs at least two options, written as a checklist: "
                "'- [ ] wrong' and '- [x] right'")))
        seen: dict[str, int] = {}
        for option in options:
            key = normalise_text(option.text)
            if key in seen:
                problems.append(block.problem(option.line, N_(
                    "duplicate option %(option)s (also on line %(line)s)"),
                    option=repr(option.text), line=seen[key]))
            seen.setdefault(key, option.line)
        correct = [o for o in options if o.correct]
        if options and not correct:
            problems.append(
                block.problem(block.line, N_("no correct option: mark it with '- [x]'")))
        if self.max_correct is not None and len(correct) > self.max_correct:
            lines = ", ".join(str(o.line) for o in correct)
            problems.append(block.problem(block.line, N_(
                "a single-choice question has exactly one '[x]' but this one has %(count)s "
                "(lines %(lines)s); use 'Type: multiple' or untick the others"),
                count=len(correct), lines=lines))
        config = {"options": [{
            "html": render_inline(o.text),
            "correct": o.correct,
            "feedback_html": render_markdown("\n".join(o.feedback)) if o.feedback else "",
        } for o in options]}
        return config, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        options = config.get("options")
        if not isinstance(options, list) or len(options) < 2:
            return ["'options' must be a list of at least two options"]
        errors = []
        for i, option in enumerate(options):
            if not isinstance(option, dict) or not isinstance(option.get("html"), str):
                errors.append(f"option {i + 1} needs an 'html' string")
            elif not isinstance(option.get("correct"), bool):
                errors.append(f"option {i + 1} needs a boolean 'correct'")
        if errors:
            return errors
        correct = sum(1 for o in options if o["correct"])
        if correct < self.min_correct:
            errors.append("no option is correct")
        if self.max_correct is not None and correct > self.max_correct:
            errors.append(f"{correct} options are correct; a single choice allows one")
        return errors

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        options = [{"value": token(i), "html": o.get("html", "")}
                   for i, o in enumerate(_views(config))]
        if rng is not None:
            rng.shuffle(options)
        return {"options": options}

    def _choices(self, view: dict[str, Any]) -> list[SelectChoice]:
        return [SelectChoice(o["value"], Markup(o["html"])) for o in view["options"]]

    def _allowed(self, view: dict[str, Any]) -> list[str]:
        return [o["value"] for o in view.get("options", [])]

    def _feedback(self, config: dict[str, Any], indices: Sequence[int]) -> tuple[str, ...]:
        options = _views(config)
        return tuple(options[i].get("feedback_html", "") for i in indices
                     if options[i].get("feedback_html"))


class SingleChoice(_ChoiceType):
    """One correct option among several; the answer is the chosen option's index."""

    name = "single"
    label = _l("Single choice")
    max_correct = 1

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        # validate_choice=False: a blank answer is allowed (unanswered); parse_answer checks tokens.
        return RadioField(Markup(question.prompt_html), choices=self._choices(view),
                          validate_choice=False)

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> int | None:
        values = [v for v in formdata_values if v]
        if not values:
            return None
        if len(values) > 1:
            raise ValueError("a single-choice question takes one answer")
        return token_index(values[0], self._allowed(view))

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        options = _views(config)
        if isinstance(answer, bool) or not isinstance(answer, int):
            return Score(0.0, False)
        if not 0 <= answer < len(options):
            return Score(0.0, False)
        correct = options[answer].get("correct") is True
        return Score(1.0 if correct else 0.0, correct, self._feedback(config, [answer]))

    def correct_answer(self, config: dict[str, Any]) -> int | None:
        return next((i for i, o in enumerate(_views(config)) if o.get("correct")), None)

    def answer_key(self, config: dict[str, Any]) -> list[bool]:
        return [o.get("correct") is True for o in _views(config)]


class MultipleChoice(_ChoiceType):
    """Several correct options; the answer is the sorted list of ticked option indices.

    Scoring with k correct options: each correct option ticked earns 1/k, each wrong option
    ticked costs 1/k, and the total never drops below 0. Ticking everything therefore earns
    full marks only when every option is correct.
    """

    name = "multiple"
    label = _l("Multiple choice")

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return SelectMultipleField(
            Markup(question.prompt_html), choices=self._choices(view), validate_choice=False,
            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def parse_answer(
        self, formdata_values: Sequence[str], view: dict[str, Any]
    ) -> list[int] | None:
        allowed = self._allowed(view)
        ticked = sorted({token_index(v, allowed) for v in formdata_values if v})
        return ticked or None

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        options = _views(config)
        if not isinstance(answer, list | tuple):
            return Score(0.0, False)
        ticked = sorted({a for a in answer if isinstance(a, int) and not isinstance(a, bool)
                         and 0 <= a < len(options)})
        k = sum(1 for o in options if o.get("correct") is True)
        if k == 0:
            return Score(0.0, False)
        right = sum(1 for i in ticked if options[i].get("correct") is True)
        points = min(1.0, max(0.0, (right - (len(ticked) - right)) / k))
        return Score(points, points >= 1.0, self._feedback(config, ticked))

    def correct_answer(self, config: dict[str, Any]) -> list[int]:
        return [i for i, o in enumerate(_views(config)) if o.get("correct") is True]

    def answer_key(self, config: dict[str, Any]) -> list[bool]:
        return [o.get("correct") is True for o in _views(config)]


class TrueFalse(QuestionType):
    """A statement that is true or false: ``Answer: true`` or ``Answer: false``."""

    name = "true-false"
    label = _l("True or false")
    keywords = frozenset({"answer"})

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        answers = block.keyword_values("answer")
        if not answers:
            return {}, [block.problem(
                block.line, N_("a true-false question needs 'Answer: true' or 'Answer: false'"))]
        problems = [block.problem(a.line, N_("only one 'Answer:' line is allowed in a true-false "
                                             "question")) for a in answers[1:]]
        value = answers[0].value.strip().lower()
        if value not in {"true", "false"}:
            problems.append(block.problem(
                answers[0].line, N_("'Answer:' must be true or false, not %(value)s"),
                value=repr(answers[0].value)))
        return {"answer": value == "true"}, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        return [] if isinstance(config.get("answer"), bool) else ["'answer' must be true or false"]

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        # Never shuffled: "True" before "False" is what everyone expects.
        return {"options": ["true", "false"]}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return RadioField(Markup(question.prompt_html), validate_choice=False,
                          choices=[SelectChoice("true", _l("True")),
                                   SelectChoice("false", _l("False"))])

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> bool | None:
        values = [v for v in formdata_values if v]
        if not values:
            return None
        if len(values) > 1 or values[0] not in ("true", "false"):
            raise ValueError("the answer must be 'true' or 'false'")
        return values[0] == "true"

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        if not isinstance(answer, bool):
            return Score(0.0, False)
        correct = answer is config.get("answer")
        return Score(1.0 if correct else 0.0, correct)

    def correct_answer(self, config: dict[str, Any]) -> bool | None:
        answer = config.get("answer")
        return answer if isinstance(answer, bool) else None

    def answer_key(self, config: dict[str, Any]) -> bool | None:
        return self.correct_answer(config)
