"""Renaming a module, lesson or quiz of a draft: its title changes, its id does not.

The id is the folder or file name without its number (or an ``id:`` in the front matter). It is
part of the learner's page address, and progress, quiz attempts and class assignments are
stored against it: ``lms courses sync`` matches modules and items by id, so a new id would be a
new item, and learners would lose what they did in the old one. So a rename rewrites only the
``title:`` line of the default-language file; translations keep their own titles (the
editor changes them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.authoring import services, storage
from lms.authoring.drafts import _yaml_text
from lms.authoring.removal import NotInDraft, title_of
from lms.authoring.storage import AuthoringDirs, DraftError
from lms.courses.layout import parse_item_name, parse_module_dir
from lms.problems import N_

__all__ = ["Renamable", "TitleRefused", "rename_title", "renamable", "set_title"]

MAX_TITLE = 200
_TITLE_RE = re.compile(r"^title\s*:")


class TitleRefused(DraftError):
    """The new title cannot be written; ``problems`` holds the checker's messages, if any."""

    def __init__(self, template: str, problems: list[Any] | None = None, **params: Any) -> None:
        super().__init__(template, **params)
        self.problems = problems or []


@dataclass(frozen=True)
class Renamable:
    kind: str  # module | lesson | quiz
    rel: str  # the module folder or the item's default-language file
    file_rel: str  # the file holding the title
    name: str  # the id, which stays
    title: str


def _find(root: Path, rel: str) -> Renamable:
    try:
        path = storage.resolve_rel(root, rel.rstrip("/"))
    except DraftError:
        raise NotInDraft(rel) from None
    module = parse_module_dir(path.name)
    if path.is_dir() and path.parent == root and module is not None:
        kind, name, file = "module", module[1], path / "module.md"
    else:
        item = parse_item_name(path.name)
        in_module = path.parent.parent == root and parse_module_dir(path.parent.name)
        if item is None or item.language is not None or not in_module:
            raise NotInDraft(rel)
        kind, name, file = ("quiz" if item.is_quiz else "lesson"), item.name, path
    if not file.is_file():
        raise NotInDraft(rel)
    return Renamable(kind, path.relative_to(root).as_posix(),
                     file.relative_to(root).as_posix(), name, title_of(file))


def renamable(dirs: AuthoringDirs, slug: str, rel: str) -> Renamable:
    """The module or item ``rel`` of the draft with its current title; NotInDraft if none."""
    return _find(dirs.draft(slug), rel)


def set_title(text: str, title: str) -> str:
    """``text`` with its front matter's ``title:`` (and any continuation lines) replaced by
    ``title`` as a quoted YAML string; the rest of the file is kept byte for byte."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r").lstrip("\ufeff").rstrip() != "---":
        raise TitleRefused(N_("the file has no front matter"))
    close = next((i for i, line in enumerate(lines[1:], 1)
                  if line.rstrip("\r").rstrip() in ("---", "...")), None)
    if close is None:
        raise TitleRefused(N_("the file's front matter is not closed"))
    ending = "\r" if lines[0].endswith("\r") else ""
    new_line = f"title: {_yaml_text(title)}{ending}"
    start = next((i for i in range(1, close) if _TITLE_RE.match(lines[i])), None)
    if start is None:
        return "\n".join([lines[0], new_line, *lines[1:]])
    end = start + 1
    # A folded or multi-line title goes on in indented lines (or blank lines between them).
    while end < close and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
        end += 1
    while end - 1 > start and not lines[end - 1].strip():
        end -= 1  # blank lines before the next key stay
    return "\n".join([*lines[:start], new_line, *lines[end:]])


def rename_title(dirs: AuthoringDirs, slug: str, rel: str, title: str,
                 question_types: Mapping[str, Any] | None) -> Renamable:
    """Give the module or item ``rel`` the title ``title`` (its id stays the same).

    The changed file is checked with the course checker first; TitleRefused (nothing written)
    when the title is empty or too long, or when the file would get an error it does not
    have now.
    """
    title = " ".join(title.split())
    if not title:
        raise TitleRefused(N_("the title is empty"))
    if len(title) > MAX_TITLE:
        raise TitleRefused(N_("the title is longer than %(max)s characters"), max=MAX_TITLE)
    root = dirs.draft(slug)
    with dirs.editing(slug):
        target = _find(root, rel)
        path = root / target.file_rel
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        new_text = set_title(text, title)
        before = {p.message for p in services.check_draft(dirs, slug, question_types)
                  if p.rel == target.file_rel and p.is_error}
        preview = services.preview_file(dirs, slug, target.file_rel,
                                         new_text.encode("utf-8", "surrogateescape")
                                         .decode("utf-8", errors="replace"), question_types)
        new_errors = [p for p in preview.problems if p.is_error and p.message not in before]
        if new_errors:
            raise TitleRefused(N_("the checker found errors"), new_errors)
        storage.atomic_write(path, new_text.encode("utf-8", errors="surrogateescape"))
    return Renamable(target.kind, target.rel, target.file_rel, target.name, title)
