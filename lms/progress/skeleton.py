"""The learner-independent part of a course outline, built once per worker.

A lesson page needs the course's and module's titles, the item's place among its
neighbours and each item's release settings; none of that depends on the learner, only on
the course's content (hash and sync time), the release followed and the page's language. It
is built once per worker under that key, and a page adds the learner's completions to the
one entry it shows instead of rebuilding the whole outline on every view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lms.courses.lookup import PageText, choose_language, worker_cached


@dataclass(frozen=True)
class CourseInfo:
    """The columns of a course that learner pages read, as plain values (see
    :mod:`lms.progress.learner_state`); it stands in for the ORM ``Course`` there."""

    id: int
    slug: str
    default_language: str
    content_hash: str
    synced_at: datetime
    current_release: int
    available: bool


@dataclass(frozen=True)
class SkeletonModule:
    module: Any  # ModuleInfo
    text: PageText
    items: tuple[Any, ...]  # OutlineItem, every one with complete=False


@dataclass(frozen=True)
class OutlineSkeleton:
    """One release of one course in one language, without any learner's progress."""

    text: PageText
    language: str
    modules: tuple[SkeletonModule, ...]
    flat: tuple[Any, ...]  # OutlineItem in page order
    #: (module slug, item slug) -> index in ``flat``
    index: dict[tuple[str, str], int] = field(default_factory=dict)
    by_module: dict[str, SkeletonModule] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemOutline:
    """What an item page's templates read as ``outline``: the course and its text."""

    course: CourseInfo
    text: PageText


def outline_skeleton(course: CourseInfo, release: int, language: str) -> OutlineSkeleton:
    """The skeleton of ``release`` of ``course`` in ``language``, kept per worker.

    Release 0 (rows made by hand, never synced) reads the items as they are now and is
    built on every call, as :func:`lms.progress.outline.course_outline` does.
    """
    if release == 0:
        return _build(course, release, language)
    key = ("skeleton", course.id, course.content_hash, course.synced_at, release, language)
    built: OutlineSkeleton = worker_cached(key, lambda: _build(course, release, language))
    return built


def _build(course: CourseInfo, release: int, language: str) -> OutlineSkeleton:
    # The outline's own loaders, cached per worker by the same key parts.
    from lms.progress.outline import OutlineItem, outline_parts

    rows, titles, module_texts, course_texts = outline_parts(course, release)
    modules: list[SkeletonModule] = []
    seen: dict[int, Any] = {}
    for row in rows:
        seen.setdefault(row.module.id, row.module)
    for module_id, module in seen.items():
        entries = []
        for row in rows:
            if row.module.id != module_id:
                continue
            texts = titles.get(row.item.id, {})
            if not texts:
                continue  # a text lost with its row: nothing to show
            text_language = choose_language(texts, language, course.default_language)
            text = texts[text_language]
            entries.append(OutlineItem(row.item, module.slug, text.title, list(text.objectives),
                                       False, row.content_hash, text_language,
                                       row.quiz_settings))
        texts = module_texts[module_id]
        modules.append(SkeletonModule(
            module, texts[choose_language(texts, language, course.default_language)],
            tuple(entries)))
    flat = tuple(entry for module in modules for entry in module.items)
    chosen = choose_language(course_texts, language, course.default_language)
    return OutlineSkeleton(
        text=course_texts[chosen], language=chosen, modules=tuple(modules), flat=flat,
        index={(entry.module_slug, entry.item.slug): n for n, entry in enumerate(flat)},
        by_module={module.module.slug: module for module in modules})
