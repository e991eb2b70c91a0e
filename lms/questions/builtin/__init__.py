"""The built-in question types, registered like any plugin by :func:`load_question_types`."""

from __future__ import annotations

from lms.questions.builtin.choice import MultipleChoice, SingleChoice, TrueFalse
from lms.questions.builtin.structured import Cloze, Matching, Ordering
from lms.questions.builtin.text import Numeric, Reflection, ShortText
from lms.questions.types import QuestionType

__all__ = ["BUILTIN_TYPES"]

BUILTIN_TYPES: tuple[type[QuestionType], ...] = (
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortText,
    Numeric,
    Ordering,
    Matching,
    Cloze,
    Reflection,
)
