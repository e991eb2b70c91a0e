"""The question-type plugin contract and its registry.

A question type turns the lines of one ``## question`` block into a JSON-serialisable
``config`` (which holds the answer key), shows learners a ``public_view`` of it (never the
answer key), builds the form field, reads posted values back and grades them. Built-in types
register through the same path as external ones: the ``lms.question_types`` entry-point group.

Answers flow like this::

    view = qtype.public_view(config, rng)          # stored with the attempt
    field = qtype.build_field(question, view)      # put on a wtforms Form
    answer = qtype.parse_answer_in(values, view, language)  # None if blank; ValueError if bad
    score = qtype.grade(config, answer)            # never raises
"""

from __future__ import annotations

import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from wtforms.fields.core import UnboundField

from lms.plugins import entry_points
from lms.problems import Problem

__all__ = [
    "ENTRY_POINT_GROUP",
    "AnswerMistake",
    "COMMON_KEYWORDS",
    "BodyLine",
    "DuplicateQuestionType",
    "KeywordLine",
    "QuestionBlock",
    "QuestionLike",
    "QuestionType",
    "Score",
    "load_question_types",
]

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lms.question_types"

#: Keywords every question may use; parse.py handles them itself.
COMMON_KEYWORDS: frozenset[str] = frozenset({"type", "explanation"})


@dataclass(frozen=True)
class Score:
    """The grade of one answer.

    ``points`` is between 0 and 1; ``correct`` is None for ungraded types (reflection);
    ``feedback_html`` holds sanitised HTML snippets to show after submission.
    """

    points: float
    correct: bool | None
    feedback_html: tuple[str, ...] = ()


@dataclass(frozen=True)
class BodyLine:
    """One line of a question's body, with its 1-based line number in the file."""

    line: int
    text: str


@dataclass(frozen=True)
class KeywordLine:
    """A ``Keyword: value`` line. ``name`` is lower-case (``answer``), ``value`` stripped."""

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class QuestionBlock:
    """The raw parts of one question, as handed to :meth:`QuestionType.parse`.

    ``lines`` are the body lines that are not keyword lines (context paragraphs, options,
    items, cloze text), ``keywords`` the ``Keyword: value`` lines other than ``Type`` and
    ``Explanation``.
    """

    path: str
    heading: str
    line: int
    lines: tuple[BodyLine, ...] = ()
    keywords: tuple[KeywordLine, ...] = ()
    explicit_type: bool = field(default=False)

    def keyword_values(self, name: str) -> list[KeywordLine]:
        """All keyword lines called ``name`` (lower-case), in file order."""
        return [k for k in self.keywords if k.name == name]

    def problem(self, line: int, message: str, /, **params: Any) -> Problem:
        """A problem in this block's file: ``message`` is a template marked with
        ``lms.problems.N_`` filled with ``params`` (or a plain message, shown as it is)."""
        return Problem.of(self.path, line, message, **params)


class QuestionLike(Protocol):
    """What :meth:`QuestionType.build_field` needs from a question (QuestionSpec or a model)."""

    key: str
    type: str
    prompt_html: str


class QuestionType(ABC):
    """Base class of question types. Subclass it, set ``name`` and ``label`` and implement the
    abstract methods (a plugin missing one is refused at start-up, naming it).

    ``keywords`` lists the lower-case keyword lines the type understands besides ``Type`` and
    ``Explanation``; any other known keyword in a question of this type is reported.
    """

    name: ClassVar[str]
    label: ClassVar[Any]  # a lazy_gettext string
    graded: ClassVar[bool] = True
    keywords: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        """Build the config from a question block; report problems with exact lines."""
        raise NotImplementedError

    def context_lines(self, block: QuestionBlock) -> list[BodyLine]:
        """The body lines that are context shown under the question, not part of the type.

        The default keeps every body line; types with items (options, pairs) drop those.
        """
        return list(block.lines)

    @abstractmethod
    def validate_config(self, config: dict[str, Any]) -> list[str]:
        """Messages for a config loaded from JSON or another source; empty when valid."""
        raise NotImplementedError

    @abstractmethod
    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        """What the form shows: no answer keys, options shuffled with ``rng`` (None: keep order).

        The view is JSON-serialisable and stored with the attempt, so the order stays the same.
        """
        raise NotImplementedError

    @abstractmethod
    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        """A labelled wtforms field (native inputs) for the question, unbound."""
        raise NotImplementedError

    @abstractmethod
    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> Any:
        """The answer from the raw posted strings; None if blank; ValueError if tampered."""
        raise NotImplementedError

    def parse_answer_in(self, formdata_values: Sequence[str], view: dict[str, Any],
                        language: str) -> Any:
        """:meth:`parse_answer` for a learner reading the quiz in ``language``; types whose
        answers are written differently by language (numbers) override this one."""
        return self.parse_answer(formdata_values, view)

    @abstractmethod
    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        """Grade any answer, however malformed, without raising."""
        raise NotImplementedError

    def correct_answer(self, config: dict[str, Any]) -> Any:
        """An answer that earns full points (used by tests and answer review); None if none."""
        return None

    def answer_key(self, config: dict[str, Any]) -> Any:
        """What every translation of the question must share with the original, in a form
        that compares with ``==`` (which options are right, how many items, the number);
        None when the answers are worded per language (short answers) or there is no key."""
        return None

    def is_answered(self, answer: Any) -> bool:
        """Whether an answer counts as given (reflections need non-empty text)."""
        if isinstance(answer, str):
            return bool(answer.strip())
        if isinstance(answer, list | tuple | dict):
            return bool(answer)
        return answer is not None


class AnswerMistake(ValueError):
    """A mistake a person can make when answering ("1,8,0", one item in two places).

    Its message, already in the learner's language, is shown beside the question; any other
    ValueError from :meth:`QuestionType.parse_answer` means a value no form could have sent.
    """


class DuplicateQuestionType(RuntimeError):
    """Two classes claim the same question-type name; startup must stop."""


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _check_class(cls: Any, source: str) -> type[QuestionType]:
    if not (isinstance(cls, type) and issubclass(cls, QuestionType)):
        raise TypeError(f"{source} is not a QuestionType subclass: {cls!r}")
    if not isinstance(getattr(cls, "name", None), str) or not cls.name:
        raise TypeError(f"question type {_qualname(cls)} has no name")
    missing = sorted(getattr(cls, "__abstractmethods__", ()))
    if missing:
        # Said at start-up, naming what to write, rather than when a learner opens a quiz.
        raise TypeError(f"question type {_qualname(cls)} ({source}) does not implement "
                        f"{', '.join(missing)}")
    return cls


def _entry_point_classes() -> list[type[QuestionType]]:
    classes = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        logger.debug("loading question type entry point %s = %s", ep.name, ep.value)
        classes.append(_check_class(ep.load(), f"entry point {ep.name!r} ({ep.value})"))
    return classes


def load_question_types(
    extra: Iterable[type[QuestionType]] = (),
) -> dict[str, QuestionType]:
    """Instances of every question type, keyed by name.

    Built-ins come first, then the ``lms.question_types`` entry points, then ``extra``.
    Raises :class:`DuplicateQuestionType` when two classes use the same name; a plugin
    silently replacing a built-in would change how existing attempts are graded.
    """
    from lms.questions.builtin import BUILTIN_TYPES

    registry: dict[str, QuestionType] = {}
    classes = [*BUILTIN_TYPES, *_entry_point_classes(), *(_check_class(c, "extra") for c in extra)]
    for cls in classes:
        if cls.name in registry:
            first = type(registry[cls.name])
            raise DuplicateQuestionType(
                f"question type {cls.name!r} is registered twice: "
                f"by {_qualname(first)} and by {_qualname(cls)}"
            )
        registry[cls.name] = cls()
    return registry


def known_types_message(types: Mapping[str, QuestionType]) -> str:
    """``single, multiple, …`` for problem messages."""
    return ", ".join(sorted(types))
