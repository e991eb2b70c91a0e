"""Join codes, generated passwords and usernames for class accounts. Pure: no app, no database.

Everything here is read aloud in a classroom or copied from a printed card by children, so the
alphabets leave out characters that look or sound alike (0/O, 1/I/L, 5/S is kept: it is rarely
confused in print). Randomness comes from :mod:`secrets`.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from anyascii import anyascii

from lms.names import MARKUP_ENTITY, MARKUP_TAG

#: Upper-case letters and digits without 0 O 1 I L (31 symbols; 31**6 ≈ 887 million codes).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MIN_CODE_LENGTH, MAX_CODE_LENGTH = 6, 8

#: Lower-case for passwords: easier to type on phones and for young children.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 10  # 31**10 ≈ 2**49.5, shown as two groups of five: "kx7mp-3rtq9"

USERNAME_MAX = 32
MIN_USERNAME = 3
FALLBACK_USERNAME = "learner"

# Arabic script writes few vowels and anyascii gives its alef and hamza forms as "" or "'":
# the long vowels a name is read with make usernames people recognise (إلياس -> ilyas,
# فاطمة -> fatma, علي -> aly rather than lys, ftmh, ly).
_ARABIC_READING = str.maketrans({"إ": "i", "أ": "a", "ا": "a", "ة": "a", "ع": "a", "ى": "a"})


def generate_join_code(length: int = CODE_LENGTH) -> str:
    """A random join code such as ``K7MXQ2``."""
    if not MIN_CODE_LENGTH <= length <= MAX_CODE_LENGTH:
        raise ValueError(f"join codes have {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} characters")
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(typed: str | None) -> str | None:
    """The code as stored, from what a student typed (case, spaces and dashes ignored);
    None when it cannot be a join code at all."""
    if not typed:
        return None
    code = re.sub(r"[\s\-_.]", "", unicodedata.normalize("NFKC", typed)).upper()
    if not MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH:
        return None
    if any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def format_code(code: str) -> str:
    """A code in groups of three for reading aloud: ``K7M XQ2``."""
    return " ".join(code[i:i + 3] for i in range(0, len(code), 3))


def generate_password() -> str:
    """A readable password such as ``kx7mp-3rtq9`` (the dash is part of it)."""
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def ascii_fold(text: str) -> str:
    """Any script to ASCII letters: ``"Zoë Müller"`` -> ``"Zoe Muller"``, ``"王小明"`` ->
    ``"WangXiaoMing"``, ``"Дмитрий"`` -> ``"Dmitriy"`` (anyascii's transliteration)."""
    letters = "".join(" " if unicodedata.category(char).startswith("S") else char
                      for char in unicodedata.normalize("NFC", text))
    # Symbols go first: anyascii spells emoji out (😀 -> ":grinning:"), not a name.
    return anyascii(letters.translate(_ARABIC_READING))


def username_base(display_name: str) -> str:
    """First name plus the initial of the last word: ``"Amina Khalil"`` -> ``"amina.k"``,
    ``"إلياس"`` -> ``"ilyas"``. Markup is dropped first, so ``<b>Luca</b>`` is ``luca``."""
    plain = MARKUP_ENTITY.sub(" ", MARKUP_TAG.sub(" ", display_name))
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_fold(plain).lower()) if w]
    if not words:
        return FALLBACK_USERNAME
    base = words[0][: USERNAME_MAX - 6]
    if len(words) > 1:
        base = f"{base}.{words[-1][0]}"
    return base


def assign_usernames(display_names: Sequence[str], taken: Iterable[str]) -> list[str]:
    """One unique username per name, avoiding ``taken`` and each other.

    The first ``amina.k`` keeps the bare name, the next ones get ``amina.k2``, ``amina.k3``…
    A base shorter than three characters is always numbered (``li1``), as usernames need three.
    """
    used = {name.lower() for name in taken}
    result = []
    for display_name in display_names:
        candidate = next(c for c in _candidates(username_base(display_name)) if c not in used)
        used.add(candidate)
        result.append(candidate)
    return result


def _candidates(base: str) -> Iterator[str]:
    number = 1
    if len(base) >= MIN_USERNAME:
        yield base
        number = 2
    while True:
        yield f"{base}{number}"
        number += 1


def qr_data_uri(link: str) -> str:
    """The join link as an SVG QR code in a data: URI (the CSP allows img-src data:), large
    enough to scan from the back of a classroom when projected."""
    import segno  # only the members page needs it

    return str(segno.make(link, error="m", micro=False).svg_data_uri(scale=8, border=4))
