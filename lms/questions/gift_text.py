"""GIFT text for the GIFT importer: reading items, format markers, escaping, numbers.

GIFT text comes in four formats (``[moodle]`` by default, ``[html]``, ``[plain]``,
``[markdown]``). Only ``[markdown]`` text is markdown already; in the others ``2*3*4`` is
three numbers, not emphasis, so markdown's special characters are escaped. ``[plain]`` text
is shown as typed (``<tag>`` too); ``[moodle]`` and ``[html]`` keep their HTML tags, which the
renderer sanitises as it does any author's HTML.
"""

from __future__ import annotations

import difflib
import html
import re
from decimal import Decimal, InvalidOperation

__all__ = ["BLANK", "block_safe", "numeric_answer", "paragraphs", "plain_number", "read_items",
           "restore", "split_format", "text_line"]

# Escaped specials become private-use characters while parsing, and are restored in the text.
_ESCAPES = {"\\\\": "\ue006", "\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002",
            "\\{": "\ue003", "\\}": "\ue004", "\\:": "\ue005", "\\n": "\n"}
_RESTORE = str.maketrans({"\ue000": "~", "\ue001": "=", "\ue002": "#", "\ue003": "{",
                          "\ue004": "}", "\ue005": ":", "\ue006": "\\"})
#: Stands for the answer braces of a missing-word question until the blank is written.
BLANK = "\ue010"
_FORMAT_RE = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]", re.I)
_TAG_RE = re.compile(r"(<!--.*?-->|</?[A-Za-z][^<>]*>)", re.S)
# Characters Python-Markdown (with our extensions) gives a meaning to anywhere in a line;
# "<" and "&" have no backslash escape there and become entities instead.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}~|>])")
_HTML_BREAK_RE = re.compile(r"\s*(?:</?p(?:\s[^>]*)?>|<br\s*/?>)\s*", re.I)
_PRE_RE = re.compile(r"<pre(?:\s[^>]*)?>(.*?)</pre>", re.I | re.S)
# Line starts that make a block (list, heading, quote, box, definition) rather than text.
_BLOCK_START_RE = re.compile(r"^(?:[-+*]|\d+[.)]|#+|!!!|:)(?=\s|$)|^(?:---+|===+)\s*$")
_KEYWORD_RE = re.compile(r"^([A-Za-z][A-Za-z-]*)([ \t]*):")
_PLAIN_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
#: The keywords of our quiz syntax; a line starting "Answer:" would be read as one.
KEYWORDS = ("type", "explanation", "answer", "match")


def restore(text: str) -> str:
    """Escaped specials (``\\=``) back to the characters they stand for."""
    return text.translate(_RESTORE)


def read_items(text: str) -> tuple[list[tuple[int, str, bool]], list[tuple[int, str]]]:
    """Blank-line separated items (lines trimmed, as Moodle does) without comment and
    ``$CATEGORY:`` lines: the line each starts on, its text with escapes protected, whether
    comments before it hold Moodle tags or an id number (``[tag:x]``, ``[id:y]``); and the
    categories named, with their lines."""
    items: list[tuple[int, str, bool]] = []
    categories: list[tuple[int, str]] = []
    current: list[str] = []
    start, tagged = 0, False
    # Windows editors start UTF-8 files with a byte-order mark; it is not part of the text.
    for number, line in enumerate([*text.removeprefix("\ufeff").splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("$CATEGORY:"):
            categories.append((number, stripped[10:].strip()))
        elif stripped.startswith("//"):
            tagged = tagged or bool(re.search(r"\[(tag|id):", stripped))
        elif stripped:
            start = start or number
            current.append(stripped)
        elif current:
            joined = "\n".join(current)
            for escape, placeholder in _ESCAPES.items():
                joined = joined.replace(escape, placeholder)
            items.append((start, joined, tagged))
            current, start, tagged = [], 0, False
    return items, categories


def split_format(text: str, default: str) -> tuple[str, str]:
    """The text without a leading ``[format]`` marker, and the format it names."""
    stripped = text.strip()
    if match := _FORMAT_RE.match(stripped):
        return stripped[match.end():].strip(), match.group(1).lower()
    return stripped, default


def _escape(text: str, fmt: str) -> str:
    if fmt == "markdown":
        return text
    if fmt == "plain":
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        return _INLINE_SPECIALS.sub(r"\\\1", text)
    # moodle and html: HTML tags stay, the text between them is escaped.
    return "".join(part if index % 2 else _INLINE_SPECIALS.sub(r"\\\1", part)
                   for index, part in enumerate(_TAG_RE.split(text)))


def block_safe(line: str) -> str:
    """``line`` so that it stays a line of text in a question: not a list item, heading,
    quote or keyword line (``Answer: …``) of the quiz syntax."""
    line = line.strip()
    if _BLOCK_START_RE.match(line):
        line = "\\" + line if line[0] in "-+*#!" else re.sub(r"^(\d+)([.)])", r"\1\\\2", line)
        if line.startswith(":") or line.startswith("="):
            line = "&#" + str(ord(line[0])) + ";" + line[1:]
    if (match := _KEYWORD_RE.match(line)) and difflib.get_close_matches(
            match.group(1).lower(), KEYWORDS, 1, 0.8):
        line = f"{match.group(1)}{match.group(2)}&#58;{line[match.end():]}"
    return line


def _lines(text: str, fmt: str) -> list[str]:
    if fmt == "html":
        text = _HTML_BREAK_RE.sub("\n\n", text)
        chunks = re.split(r"\n\s*\n", text)
    elif fmt == "markdown":
        chunks = re.split(r"\n\s*\n", text)
    else:
        chunks = text.split("\n")
    return [block_safe(" ".join(_escape(chunk, fmt).split()))
            for chunk in chunks if chunk.strip()]


def paragraphs(text: str, fmt: str, *, blocks: bool = True) -> list[str]:
    """The text as markdown paragraphs, each one block-safe line, except that HTML ``<pre>``
    after the first paragraph becomes a fenced code block (when ``blocks``).

    Moodle and plain text break lines where the author did; HTML breaks at ``<p>`` and ``<br>``.
    """
    parts = _PRE_RE.split(text) if fmt in ("html", "moodle") else [text]
    result: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:  # the inside of a <pre>
            code = html.unescape(_TAG_RE.sub("", part)).strip("\n")
            if blocks and result and "```" not in code:
                result.append(f"```\n{code}\n```")
                continue
            part = html.escape(code, quote=False)
        result += _lines(part, fmt)
    return result


def text_line(text: str, fmt: str) -> str:
    """The text on one markdown line (an option, a feedback, a matching item)."""
    return " ".join(paragraphs(text, fmt, blocks=False))


def plain_number(text: str) -> str:
    """A GIFT number written as our ``Answer:`` wants it: a point, no thousands separator,
    never three decimals alone (``1.800`` reads as 1800 in Italian). ValueError if none."""
    text = text.strip().removeprefix("+")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    if not _PLAIN_NUMBER_RE.match(text) or len(text.partition(".")[2]) == 3:
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if len(text.partition(".")[2]) == 3:
            text += "0"
    return "0" if text in ("-0", "") else text


def numeric_answer(text: str) -> tuple[str, bool]:
    """A GIFT numeric answer (``1.5``, ``1.5:0.1`` or ``1..2``) as ``value ± tolerance``, and
    whether a negative tolerance was turned positive. ValueError when it holds no number."""
    if ".." in text[1:]:  # Moodle looks for ".." after the first character (a minus sign)
        low, high = (Decimal(plain_number(x)) for x in text.split("..", 1))
        middle, spread = (low + high) / 2, abs(high - low) / 2
        return f"{plain_number(str(middle))} ± {plain_number(str(spread))}", False
    value, colon, tolerance = text.partition(":")
    if not colon:
        return plain_number(value), False
    tolerance = plain_number(tolerance)
    return f"{plain_number(value)} ± {tolerance.removeprefix('-')}", tolerance.startswith("-")
