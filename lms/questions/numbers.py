"""Reading numbers the way people write them in their language (a pure core: no Flask).

"20.000" is twenty thousand in Italian and "20,000" is twenty thousand in English; "1.102,50"
and "1,102.50" are the same amount everywhere. A learner's answer is read with the signs of
the page's language, and a number that language leaves open ("3.142" on an English page could
be an Italian habit for 3142) is handed back as :class:`AmbiguousNumber` instead of being
graded one way silently. A trainer's ``Answer:`` line is read with no language at all, so
anything open there is ambiguous and the checker says how to write it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Arabic-Indic and Extended Arabic-Indic (Persian/Urdu) digits read as 0-9.
_DIGITS = {**{chr(0x0660 + i): str(i) for i in range(10)},
           **{chr(0x06F0 + i): str(i) for i in range(10)}}
_ARABIC_DECIMAL = "\u066b"
# Signs that only ever group thousands: spaces of every width, apostrophes (Swiss), Arabic ٬.
_GROUP_ONLY = frozenset(" \u00a0\u202f\u2009\u2007'\u2019\u066c")
_CURRENCY = "".join(chr(c) for c in range(0x20, 0x2100) if unicodedata.category(chr(c)) == "Sc")
_MINUS = frozenset("-\u2212\u2012\u2013")
_TOKEN_RE = re.compile(r"[0-9]+|[.,]|" + "[" + re.escape("".join(_GROUP_ONLY)) + _ARABIC_DECIMAL
                       + "]")


class NotANumber(ValueError):
    """The text is not a number in any way of writing one."""


@dataclass
class AmbiguousNumber(ValueError):
    """One separator followed by three digits: thousands or decimals, the text cannot say.

    ``grouped`` is the thousands reading, ``decimal`` the decimal one; ``plain`` and
    ``longer`` are ways to write each that cannot be misread ("3142" and "3.1420").
    """

    text: str
    grouped: float
    decimal: float
    plain: str
    longer: str

    def __str__(self) -> str:
        return (f"{self.text!r} could mean {self.plain} or {self.longer}: write one of those")


@dataclass(frozen=True)
class Signs:
    """The decimal and thousands signs of a language; ``None`` reads with no language."""

    decimal: str | None = None
    group: str | None = None


@lru_cache(maxsize=64)
def signs_for(language: str) -> Signs:
    """The signs Babel knows for ``language`` (Latin digits), e.g. it: ',' and '.'."""
    from babel.core import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Signs(".", ",")
    return Signs(get_decimal_symbol(locale), get_group_symbol(locale))


def read_number(text: str, signs: Signs = Signs()) -> float:
    """The number in ``text``; NotANumber or AmbiguousNumber when it cannot be read for sure."""
    cleaned = "".join(_DIGITS.get(c, c) for c in unicodedata.normalize("NFKC", str(text)))
    # A currency sign or a per cent sign around the number says what it counts, not its value.
    cleaned = cleaned.strip().removesuffix("%").strip(_CURRENCY + " \u00a0\u202f")
    negative = False
    if cleaned[:1] in _MINUS or cleaned[:1] == "+":
        negative = cleaned[0] != "+"
        cleaned = cleaned[1:].lstrip()
    tokens = _TOKEN_RE.findall(cleaned)
    if not cleaned or "".join(tokens) != cleaned or not any(t.isdigit() for t in tokens):
        raise NotANumber(f"{text!r} is not a number")
    integer, fraction = _split(tokens, signs, text)
    value = float(f"{integer or '0'}.{fraction or '0'}")
    return -value if negative else value


def _split(tokens: list[str], signs: Signs, text: str) -> tuple[str, str]:
    """The integer and fraction digits, after deciding what each separator means."""
    separators = [(i, t) for i, t in enumerate(tokens) if not t.isdigit()]
    if any(i > 0 and not tokens[i - 1].isdigit() for i, _ in separators):
        raise NotANumber(f"{text!r} has two separators in a row")
    kinds = {t for _, t in separators if t in ".,"}
    decimal_at = _decimal_position(tokens, separators, kinds, signs, text)
    integer_tokens = tokens[:decimal_at] if decimal_at is not None else tokens
    fraction = "".join(tokens[decimal_at + 1:]) if decimal_at is not None else ""
    if not fraction.isdigit() and fraction:
        raise NotANumber(f"{text!r} has a separator after the decimals")
    if (separators and separators[0][0] == 0 and decimal_at != 0) or (
            decimal_at is None and not tokens[-1].isdigit()):
        raise NotANumber(f"{text!r} starts or ends with a thousands separator")
    _check_groups(integer_tokens, text)
    return "".join(t for t in integer_tokens if t.isdigit()), fraction


def _decimal_position(tokens: list[str], separators: list[tuple[int, str]], kinds: set[str],
                      signs: Signs, text: str) -> int | None:
    """Index of the decimal separator token, or None for a whole number."""
    arabic = [i for i, t in separators if t == _ARABIC_DECIMAL]
    if arabic:
        return arabic[-1] if len(arabic) == 1 and arabic[-1] == separators[-1][0] else _bad(text)
    if not kinds:
        return None
    last_index, last = max((i, t) for i, t in separators if t in ".,")
    if len(kinds) == 2:
        # "1.102,50" and "1,102.50": the last one is the decimal sign, used once.
        if sum(1 for _, t in separators if t == last) != 1 or last_index != separators[-1][0]:
            _bad(text)
        return last_index
    uses = [i for i, t in separators if t == last]
    if len(uses) > 1:
        return None  # "1.000.000": only thousands repeat
    before = tokens[last_index - 1] if last_index > 0 else ""
    after = tokens[last_index + 1] if last_index + 1 < len(tokens) else ""
    grouped_elsewhere = any(t in _GROUP_ONLY for _, t in separators)
    if (grouped_elsewhere or len(after) != 3 or not before or before.startswith("0")
            or len(before) > 3 or last_index != separators[-1][0]):
        return last_index  # "1 234,5", "1,80", "0.125", "1234.567": only a decimal fits
    if last == signs.group:
        return None  # "20.000" in Italian, "20,000" in English
    raise AmbiguousNumber(text, float(before + after), float(f"{before}.{after}"),
                          plain=before + after, longer=_longer(before, last, after))


def _longer(before: str, sign: str, after: str) -> str:
    """The decimal reading written so it cannot be taken for thousands: 20 or 3.1420."""
    trimmed = after.rstrip("0")
    if not trimmed:
        return before
    return f"{before}{sign}{trimmed}" if len(trimmed) != 3 else f"{before}{sign}{after}0"


def _check_groups(tokens: list[str], text: str) -> None:
    """Thousands separators stand between groups of exactly three digits."""
    runs = [t for t in tokens if t.isdigit()]
    if len(runs) > 1 and (len(runs[0]) > 3 or any(len(r) != 3 for r in runs[1:])):
        raise NotANumber(f"{text!r}: thousands are grouped by three digits")


def _bad(text: str) -> int:
    raise NotANumber(f"{text!r} mixes decimal and thousands signs")
