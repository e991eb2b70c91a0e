"""Size and nesting limits on course markdown, checked by a linear scan before any rendering.

Python-Markdown looks for the end of every open ``[`` or ``(`` by scanning the rest of the
paragraph, and nests lists, quotes and boxes by recursion: 50,000 nested ``[`` keep a worker
busy for minutes, a few thousand nested list items exhaust Python's stack. No lesson needs
anything near these limits (the shipped lessons stay under 8 KB, 3 levels of lists and 2 of
brackets); they are documented in ``courses/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from lms.problems import N_, Problem

__all__ = ["MAX_BLOCK_DEPTH", "MAX_BRACKET_DEPTH", "MAX_COURSE_BYTES", "MAX_FILE_BYTES",
           "check_course_size", "check_markdown_limits", "check_size"]

#: One markdown file (a lesson, quiz, module or course page): ~6 times the longest shipped one,
#: and about 2 s of rendering at worst (thousands of one-word list items).
MAX_FILE_BYTES = 50_000
#: All markdown files of one course, every language together: ~3 times the largest shipped
#: course (two languages). Rendering time grows with it, so it bounds one import or save.
MAX_COURSE_BYTES = 500_000
#: ``[`` and ``(`` still open at one point of a paragraph (an image inside a link needs 2).
MAX_BRACKET_DEPTH = 8
#: Lists, quotes and boxes inside each other (two spaces of indent count as one level).
MAX_BLOCK_DEPTH = 10

_TAB = 4
_LIST_MARKER_RE = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)")
_BOX_RE = re.compile(r"(?:!!!|\?\?\?\+?|:)(?=[ \t])")  # admonitions, definitions
_BRACKET_RE = re.compile(r"\\.|[\[\]()]")  # an escaped character is skipped whole
_RULE_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def check_size(size: int, path: str) -> Problem | None:
    """A file too large to render quickly, refused before it is even decoded."""
    if size <= MAX_FILE_BYTES:
        return None
    return Problem.of(path, 0, N_("the file is larger than %(max)s KB: split it into several "
                                  "lessons"), max=MAX_FILE_BYTES // 1000)


def check_course_size(root: Path, path: str) -> Problem | None:
    """All markdown of the course in ``root`` together, before any of it is read."""
    total = sum(file.stat().st_size for file in root.rglob("*.md")
                if file.is_file() and not file.is_symlink())
    if total <= MAX_COURSE_BYTES:
        return None
    return Problem.of(path, 0, N_("the course's markdown files hold %(size)s KB together; at "
                                  "most %(max)s KB are accepted: split it into several courses"),
                      size=total // 1000, max=MAX_COURSE_BYTES // 1000)


def _block_depth(line: str) -> int:
    """How many lists, quotes and boxes this line opens or continues, counting its indent.

    Only lines that start with such a marker count: deeply indented code has no markers.
    """
    if _RULE_RE.match(line):
        return 0
    column, markers, index = 0, 0, 0
    while index < len(line):
        char = line[index]
        if char == " ":
            column, index = column + 1, index + 1
        elif char == "\t":
            column, index = column + _TAB - column % _TAB, index + 1
        elif char == ">":
            markers, index = markers + 1, index + 1
        elif match := (_LIST_MARKER_RE.match(line, index) or _BOX_RE.match(line, index)):
            markers, index = markers + 1, match.end()
        else:
            break
    return markers + column // 2 if markers else 0


def check_markdown_limits(body: str, *, first_line: int, path: str) -> Problem | None:
    """The first place where ``body`` nests deeper than the limits, else None.

    ``first_line`` is the file line of the body's first line. Brackets are counted per
    paragraph (a blank line ends one, as it ends Python-Markdown's search), escaped ones
    skipped; code is not told apart, which only errs on the side of refusing.
    """
    brackets = parens = 0
    for number, line in enumerate(body.split("\n"), start=first_line):
        if not line.strip():
            brackets = parens = 0
            continue
        if _block_depth(line) > MAX_BLOCK_DEPTH:
            return Problem.of(path, number, N_("lists, quotes and boxes nest more than %(max)s "
                                               "levels deep here"), max=MAX_BLOCK_DEPTH)
        for match in _BRACKET_RE.finditer(line):
            char = match.group()
            if char == "[":
                brackets += 1
            elif char == "]":
                brackets = max(brackets - 1, 0)
            elif char == "(":
                parens += 1
            elif char == ")":
                parens = max(parens - 1, 0)
            if brackets > MAX_BRACKET_DEPTH or parens > MAX_BRACKET_DEPTH:
                return Problem.of(path, number, N_(
                    "more than %(max)s brackets [ or ( are open here: close each one before "
                    "opening more (write \\[ for a bracket that is only text)"),
                    max=MAX_BRACKET_DEPTH)
    return None
