"""Listing a course folder: which files are course texts, modules, items, media or strays."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lms.courses.layout import MEDIA_SUFFIXES, parse_item_name, parse_module_dir, split_language
from lms.problems import N_, Problem

__all__ = ["FileGroup", "scan_module", "scan_root"]

_NOT_PUBLISHED = N_(
    "file is neither markdown nor media (.svg, .png, .jpg, .gif, .webp): not published")


@dataclass
class FileGroup:
    """The language files of one course text, module text or item: language -> path
    relative to the course root (None is the default-language file)."""

    files: dict[str | None, PurePosixPath] = field(default_factory=dict)


def _is_hidden(path: Path) -> bool:
    # .DS_Store, .git and editor files are never part of a course.
    return path.name.startswith(".")


def _problem(root: Path, rel: PurePosixPath, message: str, *, is_error: bool = True) -> Problem:
    return Problem.of((root / rel).as_posix(), 0, message, is_error=is_error)


def scan_root(
    root: Path, problems: list[Problem]
) -> tuple[FileGroup, FileGroup, list[tuple[int, str, str]]]:
    """The course texts, teacher guides and module folders (position, name, folder) of a
    course folder; stray files are added to ``problems``."""
    course, guide, modules = FileGroup(), FileGroup(), []
    for entry in sorted(root.iterdir()):
        rel = PurePosixPath(entry.name)
        if _is_hidden(entry):
            continue
        if entry.is_dir():
            parsed = parse_module_dir(entry.name)
            if parsed is not None:
                modules.append((*parsed, entry.name))
            elif any(entry.rglob("*.md")):
                message = N_("folder is not a module: its name must start with a number (01-name)")
                problems.append(_problem(root, rel, message, is_error=False))
            continue
        is_course, language = split_language(entry.name, "course")
        is_guide, guide_language = split_language(entry.name, "teacher-guide")
        if is_course:
            course.files[language] = rel
        elif is_guide:
            guide.files[guide_language] = rel
        elif entry.suffix == ".md":
            message = N_("markdown file is not part of the course: lessons go in module folders")
            problems.append(_problem(root, rel, message))
        elif entry.suffix.lower() not in MEDIA_SUFFIXES:
            problems.append(_problem(root, rel, _NOT_PUBLISHED, is_error=False))
    return course, guide, sorted(modules)


def scan_module(
    root: Path, dirname: str, problems: list[Problem]
) -> tuple[FileGroup, dict[tuple[int, str, bool], FileGroup]]:
    """The module texts and the items, keyed by (position, name, is_quiz), of a module folder."""
    text, items = FileGroup(), {}
    for entry in sorted((root / dirname).iterdir()):
        rel = PurePosixPath(dirname, entry.name)
        if _is_hidden(entry) or entry.is_dir():
            continue
        is_module, language = split_language(entry.name, "module")
        name = parse_item_name(entry.name)
        if is_module:
            text.files[language] = rel
        elif name is not None:
            group = items.setdefault((name.position, name.name, name.is_quiz), FileGroup())
            group.files[name.language] = rel
        elif entry.suffix == ".md":
            message = N_("markdown file is not a lesson: name it NN-name.md or NN-name.quiz.md")
            problems.append(_problem(root, rel, message))
        elif entry.suffix.lower() not in MEDIA_SUFFIXES:
            problems.append(_problem(root, rel, _NOT_PUBLISHED, is_error=False))
    return text, items
