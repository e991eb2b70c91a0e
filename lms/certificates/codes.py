"""Certificate codes: unguessable, easy to read aloud and to type (pure functions).

Codes use Crockford's base32 alphabet (no I, L, O or U), 12 symbols = 60 random bits,
written in groups of four: ``K7QM-3XF9-T2HD``.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
# What people type for what they see: Crockford's decoding rules.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\u00a0\u2010\u2011\u2012\u2013\u2014")


def new_code() -> str:
    """A fresh random code, formatted for display."""
    return format_code("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def format_code(raw: str) -> str:
    """Group 12 symbols as ``XXXX-XXXX-XXXX``."""
    return "-".join(raw[start:start + GROUP] for start in range(0, len(raw), GROUP))


def normalise_code(text: str) -> str | None:
    """The canonical form of what someone typed, or None if it cannot be a code.

    Case, spaces and dashes do not matter; O reads as 0, I and L as 1.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = text.upper().translate(_SEPARATORS).translate(_LOOKALIKES)
    if len(compact) != LENGTH or any(symbol not in ALPHABET for symbol in compact):
        return None
    return format_code(compact)


def code_fragment(text: str) -> str | None:
    """Part of a code as typed (``k7qm-3x``), compacted like :func:`normalise_code` without
    the dashes (``K7QM3X``), for a "contains" search; None if it cannot be part of a code."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = text.upper().translate(_SEPARATORS).translate(_LOOKALIKES)
    if not compact or len(compact) > LENGTH or any(s not in ALPHABET for s in compact):
        return None
    return compact
