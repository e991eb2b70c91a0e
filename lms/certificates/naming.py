"""The name printed on a certificate: what may be printed, and a cleaned suggestion.

The rule is lms.names's (NFC, no invisible characters, single spaces) plus two refusals that
only matter on paper:

* markup (``<b>``, ``&amp;``-style entities): the certificate prints text, so ``<b>Rossi</b>``
  would print the angle brackets;
* characters the certificate fonts cannot draw. The built-in certificate uses DejaVu Serif/Sans
  and Noto Naskh Arabic (lms/static/lms/certificate.css); none has emoji, and a fallback font
  picked by fontconfig differs from server to server, so a colour emoji would print as an
  empty box on one and as a glyph on the other. Symbols (Unicode category ``So``: emoji,
  dingbats, ™), emoji modifiers and the emoji presentation selectors are therefore refused,
  which keeps every script the fonts cover (Latin, Greek, Cyrillic, Arabic, Hebrew...).

A certificate refuses instead of dropping silently: the holder confirms exactly what prints.
:func:`suggest_printed_name` is the silent version, used only to pre-fill the confirmation
form (the learner still sees and confirms the result).
"""

from __future__ import annotations

import html
import unicodedata

from flask_babel import lazy_gettext as _l

from lms.names import MARKUP_ENTITY, MARKUP_TAG, clean_name, has_invisible

MAX_NAME_LENGTH = 120
#: Emoji modifiers (skin tones), variation selectors, the keycap enclosure, tag characters.
_EMOJI_PARTS = (
    (0x1F3FB, 0x1F3FF), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x20E3, 0x20E3),
    (0xE0020, 0xE007F),
)


class CertificateError(ValueError):
    """Input a certificate cannot accept; the message is shown to the user."""


def _undrawable(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) == "So"
            or any(low <= code <= high for low, high in _EMOJI_PARTS))


def clean_printed_name(value: str) -> str:
    """The name exactly as it will be printed, or :class:`CertificateError` saying why not."""
    value = value or ""
    if "<" in value or ">" in value or MARKUP_ENTITY.search(value):
        raise CertificateError(_l("The name cannot contain markup such as <b>: it is printed "
                                  "as plain text."))
    if any(_undrawable(char) for char in value):
        raise CertificateError(_l("The name contains emoji or symbols that the certificate "
                                  "cannot print. Please use letters only."))
    if has_invisible(value):
        raise CertificateError(_l("The name contains invisible or control characters."))
    text = clean_name(value)
    if not text:
        raise CertificateError(_l("Please enter the name to print."))
    if len(text) > MAX_NAME_LENGTH:
        raise CertificateError(
            _l("The name can have at most %(max)d characters.", max=MAX_NAME_LENGTH)
        )
    return text


def suggest_printed_name(raw: str | None) -> str:
    """``raw`` with markup, emoji and invisible characters removed (possibly empty), for the
    confirmation form to show: ``Giulia 😀 <b>Rossi</b>`` suggests ``Giulia Rossi``."""
    text = MARKUP_TAG.sub("", raw or "")
    text = html.unescape(text).replace("<", "").replace(">", "")
    text = "".join(char for char in text if not _undrawable(char))
    # A ZWJ that glued emoji together is left between spaces; clean_name drops it.
    return clean_name(text)[:MAX_NAME_LENGTH].strip()
