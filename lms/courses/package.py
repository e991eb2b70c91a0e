"""Course packages as frozen values: what a course folder says, parsed and checked.

This is the pure core behind ``lms courses check`` and the sync into the database: no Flask,
no database. ``load_course`` reads one course folder (see ``courses/README.md``) into a
``CourseSpec`` and reports every problem as ``path:line: message``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.problems import N_, Problem

__all__ = [
    "CourseSpec",
    "ItemSpec",
    "ModuleSpec",
    "TextVersion",
    "check_courses",
    "find_course_dirs",
    "load_course",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextVersion:
    """One language of a course, module, item or teacher guide.

    ``html`` is the rendered, sanitised body (a lesson's quiz block removed; empty for quiz
    items, whose body is the questions). ``source_path`` is relative to the courses root,
    e.g. ``fair-trade/01-x/02-y.it.md``. ``questions`` holds ``lms.quizzes`` QuestionSpecs.
    """

    language: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    html: str
    source_path: str
    questions: tuple[Any, ...] = ()
    #: ``review: awaiting`` and no ``reviewed_by``: learners are told a native-speaking
    #: educator has not reviewed this text yet.
    awaiting_review: bool = False


@dataclass(frozen=True)
class ItemSpec:
    """A lesson or quiz of a module. ``quiz`` is a QuizSettings, None for a lesson without one.

    ``content_hash`` covers the raw bytes of all the item's language files.
    """

    slug: str
    kind: str  # "lesson" | "quiz"
    position: int
    estimated_minutes: int
    texts: Mapping[str, TextVersion]
    quiz: Any | None
    content_hash: str


@dataclass(frozen=True)
class ModuleSpec:
    """A module: its texts (from ``module.md`` and translations) and its ordered items."""

    slug: str
    position: int
    texts: Mapping[str, TextVersion]
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class CourseSpec:
    """A whole course package. ``media`` lists media paths relative to ``root``;
    ``content_hash`` covers every file of the package."""

    slug: str
    root: Path
    topic: str
    languages: tuple[str, ...]
    default_language: str
    version: str
    audience: str
    estimated_minutes: int
    licence: str
    authors: tuple[str, ...]
    certificate: bool
    texts: Mapping[str, TextVersion]
    teacher_guide: Mapping[str, TextVersion]
    modules: tuple[ModuleSpec, ...]
    media: tuple[str, ...]
    content_hash: str


def find_course_dirs(paths: Iterable[Path]) -> list[Path]:
    """Course folders in ``paths``: a path holding ``course.md`` is a course, otherwise its
    direct children that hold one are. Sorted, without duplicates."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if (path / "course.md").is_file():
            found.add(path)
        elif path.is_dir():
            found.update(child for child in path.iterdir() if (child / "course.md").is_file())
    return sorted(found)


def load_course(
    root: Path, *, question_types: Mapping[str, Any] | None = None
) -> tuple[CourseSpec | None, list[Problem]]:
    """Load and check the course package in ``root``.

    Returns the spec (None when any problem is an error) and every problem, sorted.
    ``question_types`` overrides the registered quiz question types.
    """
    from lms.courses.loader import CourseLoader  # the loader needs these dataclasses

    loader = CourseLoader(Path(root), question_types)
    spec = loader.load()
    problems = sorted(set(loader.problems))
    if any(problem.is_error for problem in problems):
        spec = None
    logger.debug("%s: %d problems, loaded=%s", root, len(problems), spec is not None)
    return spec, problems


def check_courses(
    paths: Iterable[Path], *, question_types: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Every problem in the course packages found in ``paths`` (see find_course_dirs), sorted.

    A path with no course in it is itself a problem.
    """
    problems: list[Problem] = []
    for path in map(Path, paths):
        roots = find_course_dirs([path])
        if not roots:
            problems.append(
                Problem.of(path.as_posix(), 0,
                           N_("no course here: a course folder holds a course.md"))
            )
        for root in roots:
            problems += load_course(root, question_types=question_types)[1]
    return sorted(set(problems))


def package_hash(root: Path) -> str:
    """A package's content hash without parsing it: equal to ``load_course(root)``'s.

    Reading bytes is cheap; parsing and rendering markdown is not, so sync compares this
    first and skips unchanged packages entirely.
    """
    from lms.courses.loader import hash_files, package_files

    return hash_files(root, package_files(root))
