"""Problems found in course packages, reported as ``path:line: message``.

Messages are written in English with ``%(name)s`` placeholders and marked with :func:`N_`, so
``make i18n-extract`` collects them while this module stays free of Flask: ``message`` and
``str()`` give the English text (what ``lms courses check`` prints), ``translated(gettext)``
the same message in the page's language. Parameters (file names, ids, option text) are the
author's own words and are never translated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Gettext", "Joined", "MessageError", "N_", "Problem", "Text", "render", "translate"]

#: ``flask_babel.gettext`` or a catalogue's ``ugettext``: msgid -> the text to show.
Gettext = Callable[[str], str]


def N_(template: str) -> str:
    """Mark ``template`` for extraction (a Babel keyword); returns it unchanged."""
    return template


def translate(value: Any, gettext: Gettext | None) -> str:
    """``value`` in the language of ``gettext`` if it knows how, else as text."""
    if gettext is not None and hasattr(value, "translated"):
        return str(value.translated(gettext))
    return str(value)


def render(template: str, params: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """``template`` (translated when ``gettext`` is given) filled with ``params``.

    Without parameters the template is used as it is, so plain messages (from question-type
    plugins, say) may hold a ``%`` sign.
    """
    text = gettext(template) if gettext is not None else template
    if not params:
        return text
    # A nested message (a Problem, Text, Joined) is filled in the same language: English
    # when there is no gettext, and without a Problem's "path:line:".
    inner = gettext or _english
    return text % {name: translate(value, inner) if hasattr(value, "translated") else value
                   for name, value in params.items()}


def _english(message: str) -> str:
    return message


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a course file. ``line`` is 1-based; 0 means the whole file.

    Build it with :meth:`of` from a marked template and its parameters; ``Problem(path,
    line, "text")`` still works for a plain message (shown as it is in every language).
    """

    path: str
    line: int
    message: str
    is_error: bool = True
    template: str = field(default="", compare=False, repr=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, path: str, line: int, template: str, /, *, is_error: bool = True,
           **params: Any) -> Problem:
        """A problem whose message is ``template % params`` (``template`` marked with N_)."""
        return cls(path, line, render(template, params), is_error, template, dict(params))

    def translated(self, gettext: Gettext) -> str:
        """The message in the language of ``gettext``."""
        if not self.template:
            return self.message
        return render(self.template, self.params, gettext)

    def __str__(self) -> str:
        kind = "" if self.is_error else "warning: "
        # Line 0 is the whole file (or one that is missing): there is no line to name.
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {kind}{self.message}"


class MessageError(ValueError):
    """An error shown to an author: ``str()`` is English, ``translated(gettext)`` localised.

    Raise it with a template marked with N_ and its parameters:
    ``DraftError(N_('there is a module with the id "%(slug)s" already'), slug=slug)``.
    """

    def __init__(self, template: str, /, **params: Any) -> None:
        super().__init__(render(template, params))
        self.template = template
        self.params = params

    def translated(self, gettext: Gettext) -> str:
        return render(self.template, self.params, gettext)


@dataclass(frozen=True)
class Text:
    """A marked template and its parameters, to pass as a parameter of another message."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.template, self.params)

    def translated(self, gettext: Gettext) -> str:
        return render(self.template, self.params, gettext)


@dataclass(frozen=True)
class Joined:
    """Several messages as one parameter (``a; b; c``), each translated with the sentence."""

    parts: tuple[Any, ...]
    separator: str = "; "

    @classmethod
    def of(cls, parts: Iterable[Any], separator: str = "; ") -> Joined:
        return cls(tuple(parts), separator)

    def __str__(self) -> str:
        return self.separator.join(map(str, self.parts))

    def translated(self, gettext: Gettext) -> str:
        return self.separator.join(translate(part, gettext) for part in self.parts)
