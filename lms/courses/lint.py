"""Accessibility and link checks on the markdown source of one file, with exact line numbers.

Works on source lines rather than rendered HTML because authors need the line to fix.
Fenced code blocks (including a lesson's ``quiz`` block) and inline code are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from lms.images import image_problem
from lms.markdown import is_relative_url
from lms.problems import N_, Problem

__all__ = ["VAGUE_LINK_TEXTS", "lint_markdown"]

#: Link texts that say nothing about where the link goes (screen readers list links alone).
VAGUE_LINK_TEXTS = frozenset(
    {"click here", "click", "here", "this", "this link", "read more", "more", "link",
     "qui", "clicca qui", "clicca", "questo link", "leggi di più", "leggi qui", "di più"}
)  # fmt: skip

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_OR_BLOCK_RE = re.compile(r"^ {0,3}([*+-]|\d+[.)]|>|\||#)")
# One level of nested brackets, so [![alt](img.png)](page.md) is one link.
_TEXT = r"((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)"
_DEST = r"\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
_IMAGE_RE = re.compile(r"!\[" + _TEXT + r"\]" + _DEST)
_LINK_RE = re.compile(r"(?<![!\\])\[" + _TEXT + r"\]" + _DEST)
_REF_DEF_RE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*(\S+)")
_HTML_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ATTR_RE = re.compile(r"""\b(alt|src)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def _prose_lines(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(file line, text) of lines outside fenced code, with code spans blanked out."""
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        match = _FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        yield number, _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)


def _plain(text: str) -> str:
    """Link text as read aloud: markup characters dropped, spaces collapsed, lowercase."""
    return " ".join(re.sub(r"[*_~`!]|\[|\]|\(.*?\)", " ", text).split()).lower().strip(" .:!")


class _Linter:
    def __init__(self, path: str, file_dir: Path, course_root: Path, title_level: int) -> None:
        self.path = path
        self.file_dir = file_dir
        self.course_root = course_root.resolve()
        self.level = title_level
        self.problems: list[Problem] = []

    def add(self, line: int, template: str, **params: str) -> None:
        self.problems.append(Problem.of(self.path, line, template, **params))

    def check_target(self, number: int, url: str, *, image: bool) -> None:
        """Report a relative link or image target that is missing or leaves the course."""
        url = url.strip("<>")
        if not is_relative_url(url):
            return
        target_path = unquote(url.split("#", 1)[0].split("?", 1)[0])
        target = (self.file_dir / target_path).resolve()
        if not target.is_relative_to(self.course_root):
            self.add(number, N_("image points outside the course folder: %(url)s") if image
                     else N_("link target points outside the course folder: %(url)s"), url=url)
        elif not target.exists():
            self.add(number, N_("image not found: %(url)s") if image
                     else N_("link target not found: %(url)s"), url=url)
        elif image and target.is_file() and (problem := image_problem(target)):
            self.add(number, problem, url=url)

    def heading(self, number: int, level: int) -> None:
        if level == 1:
            self.add(number, N_("use ## instead of #: the title is already the page heading"))
        elif level > self.level + 1:
            marks = {"level": "#" * level, "wanted": "#" * (self.level + 1)}
            if self.level == 1:
                self.add(number, N_("heading skips a level: %(level)s after the page title, "
                                    "use %(wanted)s"), **marks)
            else:
                self.add(number, N_("heading skips a level: %(level)s after %(previous)s, "
                                    "use %(wanted)s"), previous="#" * self.level, **marks)
        self.level = max(level, 2)

    def image(self, number: int, alt: str, url: str) -> None:
        if not alt.strip():
            self.add(number, N_("image has no alt text: describe it, e.g. "
                                "![What it shows](%(url)s)"), url=url)
        if not url.strip("<>"):
            self.add(number, N_("image has no address"))
        else:
            self.check_target(number, url, image=True)

    def link(self, number: int, text: str, url: str) -> None:
        plain = _plain(text)
        if not plain and not _IMAGE_RE.search(text):
            self.add(number, N_("link has no text: say where it goes"))
        elif plain in VAGUE_LINK_TEXTS:
            self.add(number, N_('link text "%(text)s" does not say where the link goes'),
                     text=text.strip())
        if not url.strip("<>"):
            self.add(number, N_("link has no address"))
        else:
            self.check_target(number, url, image=False)

    def line(self, number: int, text: str, previous: str) -> None:
        if match := _ATX_RE.match(text):
            self.heading(number, len(match.group(1)))
        elif (
            (match := _SETEXT_RE.match(text))
            and previous.strip()
            and not _LIST_OR_BLOCK_RE.match(previous)
        ):
            self.heading(number - 1, 1 if match.group(1)[0] == "=" else 2)
        for image in _IMAGE_RE.finditer(text):
            self.image(number, image.group(1), image.group(2))
        for link in _LINK_RE.finditer(text):
            self.link(number, link.group(1), link.group(2))
        if definition := _REF_DEF_RE.match(text):
            self.check_target(number, definition.group(1), image=False)
        for tag in _HTML_IMG_RE.finditer(text):
            attributes = {k.lower(): v.strip("'\"") for k, v in _HTML_ATTR_RE.findall(tag.group(0))}
            self.image(number, attributes.get("alt", ""), attributes.get("src", ""))


def lint_markdown(
    body: str, *, first_line: int, path: str, file_dir: Path, course_root: Path
) -> list[Problem]:
    """Accessibility and link problems in a markdown body.

    ``first_line`` is the file line of the body's first line; ``file_dir`` is where relative
    links start from; links may not leave ``course_root``. Headings start at ``##`` because
    the page shows the title as its only ``#``.
    """
    linter = _Linter(path, file_dir, course_root, title_level=1)
    previous = ""
    for number, text in _prose_lines(body, first_line):
        linter.line(number, text, previous)
        previous = text
    return linter.problems
