"""What taking a quiz can refuse: each error is something the learner must be told about."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "NOT_OFFERED",
    "UNKNOWN_QUESTION",
    "AnswerErrors",
    "AttemptNotFound",
    "AttemptsExhausted",
    "EmptySubmission",
    "QuizChanged",
    "QuizError",
    "QuizUnavailable",
]

#: The message of :class:`AnswerErrors` for a posted key that is no question of the attempt.
UNKNOWN_QUESTION = "unknown question"
#: The message of :class:`AnswerErrors` for a value the form never offered (not a mistake).
NOT_OFFERED = "not offered"


class QuizError(Exception):
    """Something the learner must be told about; nothing was written."""


class QuizUnavailable(QuizError):
    """The item has no quiz, or it was withdrawn."""


class AttemptNotFound(QuizError):
    """No such attempt for this learner (or it belongs to someone else)."""


class AttemptsExhausted(QuizError):
    """Every allowed attempt has been used."""

    def __init__(self, used: int, allowed: int) -> None:
        super().__init__(f"all {allowed} attempts used")
        self.used = used
        self.allowed = allowed


class QuizChanged(QuizError):
    """The quiz (or the form's version of it) changed between showing and submitting."""


class EmptySubmission(QuizError):
    """Not a single question was answered."""


class AnswerErrors(QuizError):
    """Some posted values could not be read; ``errors`` maps question key to a message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)
