"""Deleting from a draft: a module (with its items), a lesson or quiz (every language), an image.

Only the draft's files change. The published copy, its versions and learners' records stay as
they are until the course is published again; then the sync marks the removed modules and items
unavailable and keeps the records (see :mod:`lms.courses.sync`).

What a deletion would break is found with the course checker itself: the draft is copied to a
scratch folder, the files are removed there, and the problems that appear in the files that are
left are links to what was removed. Images still in use are not deleted; a lesson or module that
others link to is, and the confirmation page lists the links that will need changing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lms.authoring import storage
from lms.authoring.drafts import item_groups, module_dirs
from lms.authoring.services import _load
from lms.authoring.storage import AuthoringDirs, DraftError
from lms.courses.layout import MEDIA_SUFFIXES, parse_item_name, parse_module_dir

__all__ = ["DeleteRefused", "Deletion", "NotInDraft", "delete_from_draft", "describe_deletion",
           "title_of"]

#: Why a deletion is refused (the page words each one).
IMAGE_IN_USE = "image_in_use"
LAST_MODULE = "last_module"
LAST_ITEM = "last_item"


class NotInDraft(LookupError):
    """``rel`` is not a module, a lesson or quiz, or an image of the draft."""


@dataclass(frozen=True)
class FileRef:
    """A markdown file of the draft, with the title from its front matter (or ``""``)."""

    rel: str
    title: str


@dataclass(frozen=True)
class Deletion:
    """What deleting ``rel`` removes and what it would break."""

    kind: str  # module | lesson | quiz | image
    rel: str
    name: str  # the id of a module or item, the file name of an image
    title: str
    files: tuple[str, ...]  # every file removed, relative to the draft
    items: tuple[FileRef, ...] = ()  # a module's lessons and quizzes
    linked_from: tuple[FileRef, ...] = ()  # files left behind that link to what is removed
    refusal: str | None = None  # IMAGE_IN_USE, LAST_MODULE, LAST_ITEM


class DeleteRefused(DraftError):
    """The deletion would leave the draft broken in a way the trainer must fix first."""

    def __init__(self, deletion: Deletion) -> None:
        super().__init__(deletion.refusal or "refused")
        self.deletion = deletion


def title_of(path: Path) -> str:
    """The ``title:`` of a markdown file's front matter; ``""`` when it has none."""
    from lms.courses.frontmatter import read_source  # YAML: only when a page needs it

    if not path.is_file():
        return ""
    source, _ = read_source(path, path.name, PurePosixPath(path.name))
    title = source.meta.get("title") if source is not None else None
    return title if isinstance(title, str) else ""


def _target(root: Path, rel: str) -> tuple[str, str, Path, list[Path]]:
    """(kind, name, main path, files to remove) for ``rel``; NotInDraft for anything else."""
    try:
        path = storage.resolve_rel(root, rel.rstrip("/"))
    except DraftError:
        raise NotInDraft(rel) from None
    parent_is_module = path.parent == root or (
        path.parent.parent == root and parse_module_dir(path.parent.name) is not None)
    if path.is_dir() and path.parent == root and parse_module_dir(path.name) is not None:
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return "module", parse_module_dir(path.name)[1], path, files  # type: ignore[index]
    if not path.is_file() or not parent_is_module:
        raise NotInDraft(rel)
    if path.suffix.lower() in MEDIA_SUFFIXES:
        return "image", path.name, path, [path]
    item = parse_item_name(path.name)
    if item is None or item.language is not None or path.parent == root:
        raise NotInDraft(rel)
    group = _default_first(item_groups(path.parent)[(item.position, item.name, item.is_quiz)])
    kind = "quiz" if item.is_quiz else "lesson"
    return kind, item.name, path, [path.parent / name for name in group]


def _describe(root: Path, rel: str, question_types: Mapping[str, Any] | None,
              scratch: Path) -> Deletion:
    kind, name, path, files = _target(root, rel)
    rels = tuple(p.relative_to(root).as_posix() for p in files)
    items: tuple[FileRef, ...] = ()
    refusal = None
    if kind == "module":
        module_md = path / "module.md"
        title = title_of(module_md)
        firsts = [_default_first(files)[0] for files in item_groups(path).values()]
        items = tuple(FileRef(f"{path.name}/{name}", title_of(path / name)) for name in firsts)
        if len(module_dirs(root)) == 1:
            refusal = LAST_MODULE
    else:
        title = "" if kind == "image" else title_of(path)
        if kind != "image" and len(item_groups(path.parent)) == 1:
            refusal = LAST_ITEM
    linked_from = _broken_by(root, path, rels, question_types, scratch)
    if kind == "image" and linked_from:
        refusal = IMAGE_IN_USE
    return Deletion(kind, path.relative_to(root).as_posix(), name, title, rels, items,
                    linked_from, refusal)


def _default_first(files: list[str]) -> list[str]:
    """An item's files, the default-language one first, then the translations by name."""
    return sorted(files, key=lambda f: (parse_item_name(f).language is not None, f))  # type: ignore[union-attr]


def _broken_by(root: Path, path: Path, removed: tuple[str, ...],
               question_types: Mapping[str, Any] | None, scratch: Path) -> tuple[FileRef, ...]:
    """The files left behind that get new checker problems once ``removed`` is gone: the
    ones linking to it (or showing it, for an image)."""
    before = {(p.rel, p.message) for p in _load(root, question_types)[1]}
    copy = scratch / root.name
    shutil.copytree(root, copy, symlinks=False)
    if path.is_dir():
        shutil.rmtree(copy / path.relative_to(root))
    else:
        for rel in removed:
            (copy / rel).unlink()
    after = _load(copy, question_types)[1]
    broken = sorted({p.rel for p in after
                     if (p.rel, p.message) not in before and p.rel and p.rel not in removed
                     and (root / p.rel).is_file()})
    return tuple(FileRef(rel, title_of(root / rel)) for rel in broken)


def describe_deletion(dirs: AuthoringDirs, slug: str, rel: str,
                      question_types: Mapping[str, Any] | None) -> Deletion:
    """What deleting ``rel`` from the draft ``slug`` would remove and break (nothing changes)."""
    root = dirs.draft(slug)
    scratch = dirs.make_scratch()
    try:
        return _describe(root, rel, question_types, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def delete_from_draft(dirs: AuthoringDirs, slug: str, rel: str,
                      question_types: Mapping[str, Any] | None) -> Deletion:
    """Delete a module folder, an item's files in every language, or an unused image.

    Raises NotInDraft when there is no such thing and DeleteRefused (nothing removed) for an
    image still in use, the course's last module or a module's last item. The files are moved
    out of the draft by renames on the same file system and put back if one fails, so the
    draft never holds half an item.
    """
    root = dirs.draft(slug)
    scratch = dirs.make_scratch()
    try:
        with dirs.editing(slug):
            deletion = _describe(root, rel, question_types, scratch / "check")
            if deletion.refusal is not None:
                raise DeleteRefused(deletion)
            _move_out(root, deletion, scratch / "removed")
        return deletion
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _move_out(root: Path, deletion: Deletion, bin_dir: Path) -> None:
    bin_dir.mkdir()
    if deletion.kind == "module":
        os.rename(root / deletion.rel, bin_dir / "module")  # one rename: atomic
        return
    moved: list[tuple[Path, Path]] = []
    try:
        for number, rel in enumerate(deletion.files):
            target = bin_dir / f"{number}-{Path(rel).name}"
            os.rename(root / rel, target)
            moved.append((root / rel, target))
    except OSError:
        for original, target in reversed(moved):
            os.rename(target, original)
        raise

