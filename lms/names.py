"""The one rule for every name a person types: display names, class names, printed names.

Names are shown to other people (a teacher's class list, a classmate's screen, a certificate),
so what is stored must read the way it looks. ``"Bob \\u202egnp.exe"`` shows as
``Bob exe.png``; a zero-width space makes ``Bo\\u200bb`` look like ``Bob``. The rule:

* NFC, so ``é`` typed as ``e`` + accent and ``é`` typed at once are the same name;
* invisible characters dropped: bidi controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C),
  zero-width characters (U+200B-200D, U+2060, U+FEFF), every other control or format
  character, and the invisible "letters" used for blank names (Hangul fillers);
* runs of any whitespace become one space, none at either end.

The joiners U+200C/U+200D spell some Arabic, Persian and Indic names (``عبد‌الرحمن``), so they
stay where both neighbours are letters of such a script; anywhere else they only hide a
difference. Pure: no app, no database.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MARKUP_ENTITY", "MARKUP_TAG", "clean_name", "has_invisible", "name_key"]

#: Markup people paste into names (``<b>Luca</b>``, ``Tom &amp; Jerry``): never part of a
#: username, refused on a certificate.
MARKUP_TAG = re.compile(r"<[^<>]*>")
MARKUP_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")

_JOINERS = frozenset("\u200c\u200d")
#: Letters that draw nothing (category Lo/Mn, so the control-character test misses them).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")
#: Scripts that use joiners: Arabic (with its supplements and presentation forms), Syriac,
#: and the Indic blocks from Devanagari to Sinhala.
_JOINING_SCRIPTS = ((0x0600, 0x06FF), (0x0700, 0x074F), (0x0750, 0x077F), (0x08A0, 0x08FF),
                    (0x0900, 0x0DFF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))
_SPACES = re.compile(r"\s+")


def _joins(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char)[0] in "LM" and any(
        low <= code <= high for low, high in _JOINING_SCRIPTS)


def _invisible(text: str, index: int) -> bool:
    char = text[index]
    if char in _JOINERS:
        return not (0 < index < len(text) - 1 and _joins(text[index - 1])
                    and _joins(text[index + 1]))
    # Cc controls, Cf format (bidi, zero-width, U+FEFF...), Co private use, Cs, Cn unassigned.
    return unicodedata.category(char)[0] == "C" or char in _INVISIBLE_LETTERS


def clean_name(raw: str | None) -> str:
    """``raw`` as it is stored and shown (possibly empty: the caller says a name is needed)."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", raw or ""))
    visible = "".join(char for index, char in enumerate(text) if not _invisible(text, index))
    # Again: a dropped character may have stood between a letter and its accent.
    return unicodedata.normalize("NFC", _SPACES.sub(" ", visible)).strip()


def has_invisible(raw: str) -> bool:
    """Whether the rule would drop anything from ``raw`` besides extra spaces."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    return clean_name(text) != text


def name_key(name: str) -> str:
    """What two names are compared by: cleaned, compatibility-folded (fullwidth ``Ｂｏｂ`` is
    ``Bob``), without joiners, ignoring case."""
    folded = unicodedata.normalize("NFKC", clean_name(name))
    return "".join(char for char in folded if char not in _JOINERS).casefold()
