"""Quiz settings: the front matter of a ``.quiz.md`` file or a lesson's ``quiz:`` mapping."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from lms.problems import N_, Problem

__all__ = ["SHOW_ANSWERS", "QuizSettings", "certificate_leak", "parse_quiz_settings",
           "pool_problems"]

SHOW_ANSWERS = ("after_each_attempt", "after_pass", "never")


@dataclass(frozen=True)
class QuizSettings:
    """How a quiz behaves. ``attempts == 0`` means unlimited; ``draw == 0`` asks every
    question, ``draw: 5`` five of them, drawn afresh for each attempt."""

    title: str
    pass_mark: int = 70
    attempts: int = 0
    shuffle_questions: bool = False
    shuffle_options: bool = True
    show_answers: str = "after_each_attempt"  # | "after_pass" | "never"
    required: bool = True
    draw: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuizSettings:
        """Rebuild from :meth:`to_dict` output; missing keys take defaults, unknown are ignored.

        Ignoring unknown keys lets rows stored by a newer version load in an older one.
        """
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_quiz_settings(
    meta: Mapping[str, Any],
    *,
    path: str,
    line_of: Callable[[str], int],
    default_title: str | None = None,
    allowed_extra: Collection[str] = ("id",),
) -> tuple[QuizSettings, list[Problem]]:
    """Validate quiz settings; report each bad key at its line and fall back to its default.

    ``default_title`` is used when ``title`` is absent (a lesson's ``quiz:`` mapping takes the
    lesson title). Keys in ``allowed_extra`` belong to the caller (``id``) and are skipped;
    any other unknown key is an error, since a typo like ``pass_mrk`` would go unnoticed.
    ``line_of("title")`` is also asked when the title is missing; it should then return the
    line of the front matter (or of the ``quiz:`` key).
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def bad(key: str, template: str, **params: Any) -> None:
        # Every template starts with "%(key)s: ", the setting's name as written.
        problems.append(Problem.of(path, line_of(key), template, key=key, **params))

    defaults = {f.name: f.default for f in fields(QuizSettings) if f.name != "title"}
    for key in meta:
        if key != "title" and key not in defaults and key not in allowed_extra:
            known = ", ".join(["title", *defaults])
            bad(str(key), N_("%(key)s: unknown quiz setting (known: %(known)s)"), known=known)

    title = meta.get("title", default_title)
    if not isinstance(title, str) or not title.strip():
        if "title" in meta:
            bad("title", N_("%(key)s: must be a non-empty text"))
        else:
            problems.append(Problem.of(path, line_of("title"), N_("title: required")))
        title = default_title or ""
    values["title"] = title.strip()

    for key in ("pass_mark", "attempts", "draw"):
        if key not in meta:
            continue
        value = meta[key]
        if not _is_int(value):
            bad(key, N_("%(key)s: must be a whole number, not %(value)s"), value=repr(value))
        elif key == "pass_mark" and not 0 <= value <= 100:
            bad(key, N_("%(key)s: must be between 0 and 100, not %(value)s"), value=value)
        elif key == "attempts" and value < 0:
            bad(key, N_("%(key)s: must be 0 (unlimited) or more, not %(value)s"), value=value)
        elif key == "draw" and value < 1:
            bad(key, N_("%(key)s: must be 1 or more (the questions asked per attempt), "
                        "not %(value)s"), value=value)
        else:
            values[key] = value

    for key in ("shuffle_questions", "shuffle_options", "required"):
        if key in meta:
            if isinstance(meta[key], bool):
                values[key] = meta[key]
            else:
                bad(key, N_("%(key)s: must be true or false, not %(value)s"),
                    value=repr(meta[key]))

    if "show_answers" in meta:
        if meta["show_answers"] in SHOW_ANSWERS:
            values["show_answers"] = meta["show_answers"]
        else:
            bad("show_answers", N_("%(key)s: must be one of %(choices)s, not %(value)s"),
                choices=" | ".join(SHOW_ANSWERS), value=repr(meta["show_answers"]))
    return QuizSettings(**values), problems


def pool_problems(settings: QuizSettings, bank: int, *, path: str, line: int) -> list[Problem]:
    """A pool drawing more questions than the quiz has is an error (``bank``: how many)."""
    if settings.draw > bank:
        return [Problem.of(path, line, N_("draw: %(draw)s questions per attempt, but the quiz "
                                          "has only %(bank)s"), draw=settings.draw, bank=bank)]
    return []


def certificate_leak(settings: QuizSettings, *, certificate: bool, path: str, line: int
                     ) -> list[Problem]:
    """A warning for a quiz on the way to a certificate that shows the right answers after a
    failed attempt while attempts are unlimited: the next attempt can copy them."""
    if not (certificate and settings.required and settings.attempts == 0
            and settings.show_answers == "after_each_attempt"):
        return []
    return [Problem.of(path, line, N_(
        "this quiz leads to the certificate and shows the right answers after every attempt "
        "with unlimited attempts, so a failed attempt gives the answers to the next: set "
        "show_answers: after_pass (or never), or limit attempts"), is_error=False)]
