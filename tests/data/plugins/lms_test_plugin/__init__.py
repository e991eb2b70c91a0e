"""A tiny question-type plugin used by the tests: a Likert scale (an ungraded opinion).

It shows what a third-party package needs: a QuestionType subclass and, in its own
pyproject.toml, ``[project.entry-points."lms.question_types"] likert = "lms_test_plugin:Likert"``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import RadioField
from wtforms.fields import SelectChoice
from wtforms.fields.core import UnboundField

from lms.problems import Problem
from lms.questions.types import QuestionBlock, QuestionLike, QuestionType, Score


class Likert(QuestionType):
    """``Scale: 5`` asks for agreement from 1 to 5. Never graded; done once answered."""

    name = "likert"
    label = _l("Agreement scale")
    graded = False
    keywords = frozenset({"scale"})

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        scales = block.keyword_values("scale")
        if not scales:
            return {"scale": 5}, []
        value = scales[0].value.strip()
        if not value.isdigit() or not 2 <= int(value) <= 10:
            return {}, [block.problem(scales[0].line, "Scale: must be a number from 2 to 10")]
        return {"scale": int(value)}, []

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        scale = config.get("scale")
        return [] if isinstance(scale, int) and 2 <= scale <= 10 else ["bad scale"]

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {"scale": config["scale"]}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        choices = [SelectChoice(str(i)) for i in range(1, view["scale"] + 1)]
        return RadioField(Markup(question.prompt_html), choices=choices, validate_choice=False)

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> int | None:
        values = [v for v in formdata_values if v]
        if not values:
            return None
        if not values[0].isdigit() or not 1 <= int(values[0]) <= view["scale"]:
            raise ValueError(f"{values[0]!r} is not on the scale")
        return int(values[0])

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        return Score(1.0 if isinstance(answer, int) else 0.0, None)

    def correct_answer(self, config: dict[str, Any]) -> int:
        return 1
