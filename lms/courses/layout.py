"""The folder layout of a course package: file names, and page addresses for relative links.

Pages are served at fixed depths below the course (``/courses/<c>/``,
``/courses/<c>/teacher-guide/``, ``/courses/<c>/<module>/<item>/``) and media at
``/courses/<c>/media/<path in the package>``, so relative URLs work under any mount prefix.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from lms.markdown import LinkMap

__all__ = [
    "MEDIA_SUFFIXES",
    "ItemName",
    "make_link_map",
    "parse_item_name",
    "parse_module_dir",
    "split_language",
]

MEDIA_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"})

_LANG = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?"
_ITEM_RE = re.compile(rf"^(\d+)-(.+?)(\.quiz)?(?:\.({_LANG}))?\.md$")
_MODULE_DIR_RE = re.compile(r"^(\d+)-(.+)$")
_NAMED_RE = re.compile(rf"^(course|module|teacher-guide)(?:\.({_LANG}))?\.md$")


@dataclass(frozen=True)
class ItemName:
    """What an item file's name says: ``03-check.quiz.it.md`` is position 3, name ``check``,
    a quiz, in Italian (``language`` is None for the default-language file)."""

    position: int
    name: str
    is_quiz: bool
    language: str | None


def parse_item_name(filename: str) -> ItemName | None:
    """Parse ``NN-name[.quiz][.lang].md``; None when the name does not follow that pattern."""
    match = _ITEM_RE.match(filename)
    if match is None:
        return None
    return ItemName(int(match.group(1)), match.group(2), bool(match.group(3)), match.group(4))


def parse_module_dir(dirname: str) -> tuple[int, str] | None:
    """``01-why-trade`` -> (1, "why-trade"); None for a folder that is not a module."""
    match = _MODULE_DIR_RE.match(dirname)
    return (int(match.group(1)), match.group(2)) if match else None


def split_language(filename: str, base: str) -> tuple[bool, str | None]:
    """Whether ``filename`` is ``base.md`` or ``base.<lang>.md``, and its language code."""
    match = _NAMED_RE.match(filename)
    if match is None or match.group(1) != base:
        return False, None
    return True, match.group(2)


def make_link_map(page_dir: PurePosixPath, to_root: str, pages: Mapping[str, str]) -> LinkMap:
    """Map relative URLs written in a file in ``page_dir`` (relative to the course root).

    ``pages`` maps markdown files (relative to the root, every language) to page addresses
    relative to the course page; anything else in the package is served as media.
    ``to_root`` leads from the current page back to the course page (``""``, ``../``, …).
    """

    def link_map(url: str) -> str | None:
        path, hash_mark, fragment = url.partition("#")
        path = path.split("?", 1)[0]
        if not path:
            return None
        target = posixpath.normpath(posixpath.join(str(page_dir), path))
        if target.startswith("../") or target == "..":
            # Outside the package: the checker reports it; leave it as written.
            return url
        address = pages.get(unquote(target))
        if address is None:
            address = "media/" + target
        return (to_root + address or "./") + hash_mark + fragment

    return link_map
