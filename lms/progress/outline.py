"""A course as one learner sees it: the release they follow, its items, their progress.

Learners stay on the release (see :class:`lms.courses.models.CourseRelease`) they started
until they finish or choose to move on; everyone else sees the current release. Every page
costs the same handful of queries whatever the size of the course.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms.courses.lookup import (
    ItemInfo,
    ModuleInfo,
    PageText,
    Title,
    choose_language,
    texts_by_owner,
    worker_cached,
)
from lms.courses.models import (
    Course,
    CourseRelease,
    CourseText,
    Item,
    ItemText,
    Module,
    ModuleText,
    ReleaseItem,
)
from lms.db import db
from lms.progress.models import Enrollment, ItemCompletion
from lms.progress.releases import followed_release, release_settings
from lms.progress.rules import (
    CourseProgress,
    ItemState,
    ModuleProgress,
    course_progress,
    module_progress,
)


@dataclass(frozen=True)
class OutlineItem:
    item: ItemInfo
    module_slug: str
    title: str
    objectives: list[str]
    complete: bool
    content_hash: str = ""  # the item's content in the release shown
    language: str = ""  # the language of ``title`` (the default language when not translated)
    # The quiz settings in the release shown (QuizSettings.to_dict()); None: not a quiz there.
    quiz_settings: dict[str, Any] | None = None


@dataclass(frozen=True)
class OutlineModule:
    module: ModuleInfo
    text: PageText
    items: list[OutlineItem]
    progress: ModuleProgress


@dataclass(frozen=True)
class CourseOutline:
    course: Course
    text: PageText
    language: str
    is_fallback: bool
    modules: list[OutlineModule]
    progress: CourseProgress
    started: bool
    release: int = 0  # the release shown
    completed_at: datetime | None = None  # when the learner finished the course
    last_item_id: int | None = None  # the page the learner last opened, and when
    last_visited_at: datetime | None = None

    @property
    def newer_release_available(self) -> bool:
        """A learner in progress on an earlier release may move to the current one."""
        return self.started and self.completed_at is None and \
            self.release < self.course.current_release

    def flat_items(self) -> list[OutlineItem]:
        return [entry for module in self.modules for entry in module.items]

    def next_item(self) -> OutlineItem | None:
        """The first item that is not complete yet: where "continue" leads."""
        return next((entry for entry in self.flat_items() if not entry.complete), None)


@dataclass(frozen=True)
class _Row:
    item: ItemInfo
    module: ModuleInfo
    required: bool
    content_hash: str
    quiz_settings: dict[str, Any] | None


def _row(item: Item, module: Module, required: bool, content_hash: str,
         quiz_settings: dict[str, Any] | None) -> _Row:
    info = ItemInfo(item.id, item.course_id, item.module_id, item.slug, item.kind,
                    item.estimated_minutes, item.content_hash, item.required)
    return _Row(info, ModuleInfo(module.id, module.slug, module.position), required,
                content_hash, quiz_settings)


def _release_rows(course: Course, number: int) -> list[_Row]:
    if number == 0:  # never released (rows made by hand): the items as they are now
        query = (select(Item, Module).join(Module, Item.module_id == Module.id)
                 .where(Item.course_id == course.id, Item.available, Module.available)
                 .order_by(Module.position, Item.position))
        return [_row(item, module, item.required, item.content_hash, item.quiz_settings)
                for item, module in db.session.execute(query)]
    query = (select(ReleaseItem, Item, Module)
             .join(CourseRelease, CourseRelease.id == ReleaseItem.release_id)
             .join(Item, Item.id == ReleaseItem.item_id)
             .join(Module, Module.id == ReleaseItem.module_id)
             .where(CourseRelease.course_id == course.id, CourseRelease.number == number)
             .order_by(ReleaseItem.module_position, ReleaseItem.position))
    return [_row(item, module, row.required, row.content_hash,
                 release_settings(course, number, item.quiz_settings, row.quiz_settings))
            for row, item, module in db.session.execute(query)]


def _item_titles(rows: list[_Row]) -> dict[int, dict[str, Title]]:
    """Title and objectives of each item at its release's content hash (bodies not loaded)."""
    if not rows:
        return {}
    query = select(ItemText.item_id, ItemText.language, ItemText.title, ItemText.objectives,
                   ItemText.content_hash).where(
        ItemText.item_id.in_([row.item.id for row in rows]),
        ItemText.content_hash.in_({row.content_hash for row in rows}))
    # Filtering the (id, hash) pairs here beats a long OR of pairs in SQL.
    wanted = {(row.item.id, row.content_hash) for row in rows}
    result: dict[int, dict[str, Title]] = defaultdict(dict)
    for item_id, language, title, objectives, content_hash in db.session.execute(query):
        if (item_id, content_hash) in wanted:
            result[item_id][language] = Title(title, tuple(objectives or ()))
    return dict(result)


def _page_texts(model: type, owner_column: Any, ids: list[int]) -> dict[int, dict[str, PageText]]:
    result: dict[int, dict[str, PageText]] = defaultdict(dict)
    for owner_id, texts in texts_by_owner(model, owner_column, ids).items():
        for language, text in texts.items():
            result[owner_id][language] = PageText(
                language, text.title, text.summary or "", text.html or "",
                getattr(text, "teacher_guide_title", None),
                getattr(text, "teacher_guide_html", None),
                getattr(text, "awaiting_review", False))
    return dict(result)


def outline_parts(course: Any, number: int) -> tuple[
        list[_Row], dict[int, dict[str, Title]], dict[int, dict[str, PageText]],
        dict[str, PageText]]:
    """Release ``number``'s rows, item titles, module texts and course texts, kept per
    worker (``course`` is a ``Course`` or a :class:`~lms.progress.skeleton.CourseInfo`)."""
    key = (course.id, course.content_hash, course.synced_at, number)
    # A release never changes; the current one reads items' own settings, changed by a sync.
    rows = worker_cached(("rows", *key), lambda: _release_rows(course, number)) if number \
        else _release_rows(course, number)
    modules: dict[int, ModuleInfo] = {}
    for row in rows:
        modules.setdefault(row.module.id, row.module)
    titles = worker_cached(("titles", *key), lambda: _item_titles(rows))
    module_texts = worker_cached(("modules", *key), lambda: _page_texts(
        ModuleText, ModuleText.module_id, list(modules)))
    course_texts = worker_cached(("course", *key), lambda: _page_texts(
        CourseText, CourseText.course_id, [course.id]))[course.id]
    return rows, titles, module_texts, course_texts


def course_outline(
    course: Course, *, language: str, user_id: int | None,
    quiz_scores: dict[int, float] | None = None, release: int | None = None,
) -> CourseOutline:
    """Modules and items of ``course`` in ``language`` (or the default), with progress."""
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course.id)) \
        if user_id is not None else None
    number = release if release is not None else followed_release(course, enrollment)
    rows, titles, module_texts, course_texts = outline_parts(course, number)
    modules: dict[int, ModuleInfo] = {}
    for row in rows:
        modules.setdefault(row.module.id, row.module)
    completed: set[int] = set()
    if user_id is not None:
        completed = set(db.session.scalars(select(ItemCompletion.item_id).where(
            ItemCompletion.user_id == user_id, ItemCompletion.course_id == course.id)))
    scores = quiz_scores or {}
    by_module: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_module[row.module.id].append(row)

    outline_modules = []
    for module_id, module in modules.items():
        entries, states = [], []
        for row in by_module[module_id]:
            texts = titles.get(row.item.id, {})
            if not texts:
                continue  # a text lost with its row: nothing to show
            text_language = choose_language(texts, language, course.default_language)
            text = texts[text_language]
            done = row.item.id in completed
            entries.append(OutlineItem(row.item, module.slug, text.title,
                                       list(text.objectives), done, row.content_hash,
                                       text_language, row.quiz_settings))
            settings = row.quiz_settings or {}
            states.append(ItemState(row.item.id, row.item.kind, row.required, done,
                                    scores.get(row.item.id), settings.get("pass_mark")))
        texts = module_texts[module_id]
        outline_modules.append(OutlineModule(
            module, texts[choose_language(texts, language, course.default_language)],
            entries, module_progress(states)))
    chosen = choose_language(course_texts, language, course.default_language)
    return CourseOutline(
        course=course, text=course_texts[chosen], language=chosen,
        is_fallback=chosen != language, modules=outline_modules,
        progress=course_progress([module.progress for module in outline_modules]),
        started=enrollment is not None, release=number,
        completed_at=enrollment.completed_at if enrollment is not None else None,
        last_item_id=enrollment.last_item_id if enrollment is not None else None,
        last_visited_at=enrollment.last_visited_at if enrollment is not None else None,
    )
