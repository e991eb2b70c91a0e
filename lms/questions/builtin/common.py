"""Helpers shared by the built-in question types: line patterns, text matching, numbers, widgets."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field

from lms.markdown import render_inline, render_markdown
from lms.questions.numbers import Signs, read_number, signs_for

__all__ = [
    "CHECK_RE",
    "FEEDBACK_RE",
    "NUMBERED_RE",
    "BULLET_RE",
    "MultiValueField",
    "normalise_text",
    "parse_number",
    "render_inline",
    "render_markdown",
    "safe_float",
    "token",
    "token_index",
]

CHECK_RE = re.compile(r"^ {0,3}[-*+]\s+\[([ xX])\]\s+(.*\S)\s*$")
FEEDBACK_RE = re.compile(r"^\s+>\s?(.*)$")
NUMBERED_RE = re.compile(r"^ {0,3}\d+[.)]\s+(.*\S)\s*$")
BULLET_RE = re.compile(r"^ {0,3}[-*+]\s+(.*\S)\s*$")


def normalise_text(text: str, *, exact: bool = False) -> str:
    """Collapse whitespace; unless ``exact``, also ignore case and accents (NFKD)."""
    text = " ".join(str(text).split())
    if exact:
        return unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_number(text: str, language: str | None = None) -> float:
    """Read a number as written in ``language`` ("20.000" is 20000 in Italian), or with no
    language when None (a trainer's key). Raises ValueError: :class:`NotANumber`, or
    :class:`AmbiguousNumber` for "1,200" where the language cannot tell thousands from decimals.
    """
    return read_number(text, signs_for(language) if language else Signs())


def safe_float(value: Any) -> float | None:
    """A finite float from a stored answer, or None (bools and NaN are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def token(index: int) -> str:
    """The opaque form value of item ``index``: stable, says nothing about correctness."""
    return f"o{index + 1}"


def token_index(value: str, allowed: Sequence[str]) -> int:
    """The item index of a posted token; ValueError if the form did not offer it."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of the offered choices")
    return int(value[1:]) - 1


def feedback_text(lines: list[str]) -> str:
    """Feedback lines joined back into one markdown string."""
    return "\n".join(lines).strip()


class MultiValueField(Field):
    """A field posting several values under one name, read back in document order.

    Ordering, matching and cloze use one native ``<select>`` or ``<input>`` per slot; giving
    them all the same name keeps ``parse_answer`` a function of ``getlist(name)``.
    """

    def __init__(self, label: Any = None, validators: Any = None, *, view: dict[str, Any],
                 kind: str, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        # No single control to point at: render the label as the group's <legend>, as RadioField.
        self.label.field_id = False
        self.view = view
        self.kind = kind
        self.data: list[str] = []

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = list(valuelist)

    def _value(self, index: int) -> str:
        return self.data[index] if self.data and index < len(self.data) else ""

    def _select(self, index: int, label: str, choices: list[tuple[str, str]]) -> Markup:
        current = self._value(index)
        options = [Markup('<option value="">—</option>')]
        for value, text in choices:
            selected = Markup(" selected") if value == current else ""
            options.append(Markup('<option value="{}"{}>{}</option>').format(value, selected,
                                                                             Markup(text)))
        return Markup('<label for="{id}-{i}">{label}</label> '
                      '<select id="{id}-{i}" name="{name}">{opts}</select>').format(
            id=self.id, i=index, label=Markup(label), name=self.name,
            opts=Markup("").join(options))

    def __call__(self, **kwargs: Any) -> Markup:
        """Render every slot; labels come from the view, so each control is named."""
        parts: list[Markup] = []
        if self.kind == "ordering":
            choices = [(item["value"], item["html"]) for item in self.view["items"]]
            for i in range(len(choices)):
                parts.append(self._select(i, str(_l("Position %(number)s", number=i + 1)), choices))
            return Markup('<ol id="{}" class="lms-ordering">{}</ol>').format(self.id,
                Markup("").join(Markup("<li>{}</li>").format(p) for p in parts))
        if self.kind == "matching":
            choices = [(item["value"], item["html"]) for item in self.view["right"]]
            for i, left in enumerate(self.view["left"]):
                parts.append(self._select(i, left["html"], choices))
            return Markup('<ul id="{}" class="lms-matching">{}</ul>').format(self.id,
                Markup("").join(Markup("<li>{}</li>").format(p) for p in parts))
        # cloze: text segments with an input after each but the last
        segments = self.view["segments_html"]
        for i, segment in enumerate(segments):
            parts.append(Markup(segment))
            if i < len(segments) - 1:
                parts.append(Markup(
                    '<input type="text" id="{id}-{i}" name="{name}" value="{v}" '
                    'aria-label="{label}" autocomplete="off" spellcheck="false">').format(
                    id=self.id, i=i, name=self.name, v=escape(self._value(i)),
                    label=str(_l("Blank %(number)s", number=i + 1))))
        # A div: the text may hold several paragraphs.
        return Markup('<div id="{}" class="lms-cloze">{}</div>').format(
            self.id, Markup("").join(parts))
