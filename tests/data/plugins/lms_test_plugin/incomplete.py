"""A question-type plugin that forgot two methods: start-up must refuse it, naming them."""

from __future__ import annotations

import random
from typing import Any

from lms.questions.types import QuestionType


class HalfDone(QuestionType):
    """A plugin that forgot to grade (and to say how an answer is read)."""

    name = "half-done"
    label = "Half done"

    def parse(self, block: Any) -> tuple[dict[str, Any], list[Any]]:
        return {}, []

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        return []

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {}

    def build_field(self, question: Any, view: dict[str, Any]) -> Any:
        return None
