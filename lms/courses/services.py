"""Reading courses for the learner pages, with a constant number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from lms.courses.models import Course, CourseText, Item, ItemText, Module, ModuleText
from lms.db import db
from lms.progress.models import Enrollment, ItemCompletion
from lms.progress.rules import (
    CourseProgress,
    ItemState,
    ModuleProgress,
    course_progress,
    module_progress,
)


def choose_language(available: Iterable[str], wanted: str, default: str) -> str:
    """The wanted language when a text exists in it, else the course's default language."""
    available = set(available)
    if wanted in available:
        return wanted
    return default if default in available or not available else sorted(available)[0]


@dataclass(frozen=True)
class CatalogueEntry:
    course: Course
    text: CourseText
    percent: int | None  # None when the learner has not started the course
    completed: bool


def catalogue(
    *,
    language: str,
    topic: str | None = None,
    course_language: str | None = None,
    user_id: int | None = None,
) -> list[CatalogueEntry]:
    """Available courses, filtered by topic and offered language, with the learner's progress."""
    query = select(Course).where(Course.available).order_by(Course.topic, Course.slug)
    if topic:
        query = query.where(Course.topic == topic)
    courses = [
        course
        for course in db.session.scalars(query)
        if not course_language or course_language in course.languages
    ]
    if not courses:
        return []
    ids = [course.id for course in courses]
    texts = _texts_by_owner(CourseText, CourseText.course_id, ids)
    totals = dict(
        db.session.execute(
            select(Item.course_id, func.count(Item.id))
            .join(Module)
            .where(Item.course_id.in_(ids), Item.required, Item.available, Module.available)
            .group_by(Item.course_id)
        ).all()
    )
    done: dict[int, int] = {}
    enrolled: dict[int, bool] = {}
    if user_id is not None:
        done = dict(
            db.session.execute(
                select(ItemCompletion.course_id, func.count(ItemCompletion.id))
                .join(Item, Item.id == ItemCompletion.item_id)
                .join(Module)
                .where(
                    ItemCompletion.user_id == user_id,
                    ItemCompletion.course_id.in_(ids),
                    Item.required,
                    Item.available,
                    Module.available,
                )
                .group_by(ItemCompletion.course_id)
            ).all()
        )
        enrolled = {
            course_id: completed_at is not None
            for course_id, completed_at in db.session.execute(
                select(Enrollment.course_id, Enrollment.completed_at).where(
                    Enrollment.user_id == user_id, Enrollment.course_id.in_(ids)
                )
            )
        }
    entries = []
    for course in courses:
        by_language = texts[course.id]
        text = by_language[choose_language(by_language, language, course.default_language)]
        total = totals.get(course.id, 0)
        percent = None
        if course.id in enrolled:
            percent = 100 * done.get(course.id, 0) // total if total else 0
        entries.append(CatalogueEntry(course, text, percent, enrolled.get(course.id, False)))
    return entries


def _texts_by_owner(
    model: type, owner_column: object, ids: list[int], columns: tuple[object, ...] | None = None
) -> dict[int, dict[str, object]]:
    query = select(model).where(owner_column.in_(ids))  # type: ignore[attr-defined]
    if columns:
        query = query.options(load_only(*columns))  # type: ignore[arg-type]
    result: dict[int, dict[str, object]] = defaultdict(dict)
    for text in db.session.scalars(query):
        result[getattr(text, owner_column.key)][text.language] = text  # type: ignore[attr-defined]
    return result


@dataclass(frozen=True)
class OutlineItem:
    item: Item
    module_slug: str
    title: str
    objectives: list[str]
    complete: bool


@dataclass(frozen=True)
class OutlineModule:
    module: Module
    text: ModuleText
    items: list[OutlineItem]
    progress: ModuleProgress


@dataclass(frozen=True)
class CourseOutline:
    course: Course
    text: CourseText
    language: str
    is_fallback: bool
    modules: list[OutlineModule]
    progress: CourseProgress
    started: bool

    def flat_items(self) -> list[OutlineItem]:
        return [entry for module in self.modules for entry in module.items]

    def next_item(self) -> OutlineItem | None:
        """The first item that is not complete yet: where "continue" leads."""
        return next((entry for entry in self.flat_items() if not entry.complete), None)


def get_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def course_outline(
    course: Course,
    *,
    language: str,
    user_id: int | None,
    quiz_scores: dict[int, float] | None = None,
) -> CourseOutline:
    """Modules and items of ``course`` in ``language`` (or the default), with progress."""
    modules = list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == course.id, Module.available)
            .order_by(Module.position)
        )
    )
    module_ids = [module.id for module in modules]
    items = (
        list(
            db.session.scalars(
                select(Item)
                .where(Item.module_id.in_(module_ids), Item.available)
                .order_by(Item.position)
            )
        )
        if module_ids
        else []
    )
    item_texts = _texts_by_owner(
        ItemText,
        ItemText.item_id,
        [item.id for item in items],
        (ItemText.item_id, ItemText.language, ItemText.title, ItemText.objectives),
    )
    module_texts = _texts_by_owner(ModuleText, ModuleText.module_id, module_ids)
    course_texts = _texts_by_owner(CourseText, CourseText.course_id, [course.id])[course.id]
    completed: set[int] = set()
    enrolled = False
    if user_id is not None:
        completed = set(
            db.session.scalars(
                select(ItemCompletion.item_id).where(
                    ItemCompletion.user_id == user_id, ItemCompletion.course_id == course.id
                )
            )
        )
        enrolled = (
            db.session.scalar(
                select(Enrollment.id).where(
                    Enrollment.user_id == user_id, Enrollment.course_id == course.id
                )
            )
            is not None
        )
    scores = quiz_scores or {}
    items_by_module: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        items_by_module[item.module_id].append(item)

    outline_modules = []
    for module in modules:
        entries, states = [], []
        for item in items_by_module[module.id]:
            texts = item_texts[item.id]
            text = texts[choose_language(texts, language, course.default_language)]
            entries.append(
                OutlineItem(
                    item,
                    module.slug,
                    text.title,  # type: ignore[attr-defined]
                    list(text.objectives or []),  # type: ignore[attr-defined]
                    item.id in completed,
                )
            )
            settings = item.quiz_settings or {}
            states.append(
                ItemState(
                    item.id,
                    item.kind,
                    item.required,
                    item.id in completed,
                    scores.get(item.id),
                    settings.get("pass_mark"),
                )
            )
        texts = module_texts[module.id]
        outline_modules.append(
            OutlineModule(
                module,
                texts[choose_language(texts, language, course.default_language)],  # type: ignore[arg-type]
                entries,
                module_progress(states),
            )
        )
    chosen = choose_language(course_texts, language, course.default_language)
    return CourseOutline(
        course=course,
        text=course_texts[chosen],
        language=chosen,  # type: ignore[arg-type]
        is_fallback=chosen != language,
        modules=outline_modules,
        progress=course_progress([module.progress for module in outline_modules]),
        started=enrolled,
    )


def item_text(item: Item, language: str, default_language: str) -> ItemText:
    """The full text of one item (body and questions) in the chosen language."""
    texts = {
        text.language: text
        for text in db.session.scalars(select(ItemText).where(ItemText.item_id == item.id))
    }
    return texts[choose_language(texts, language, default_language)]


@dataclass(frozen=True)
class ContinueEntry:
    course: Course
    title: str
    module_slug: str | None
    item_slug: str | None


def continue_learning(user_id: int, *, language: str, limit: int = 3) -> list[ContinueEntry]:
    """Courses in progress, most recently visited first, with the page last opened."""
    rows = db.session.execute(
        select(Course, Module.slug, Item.slug)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .outerjoin(Item, Item.id == Enrollment.last_item_id)
        .outerjoin(Module, Module.id == Item.module_id)
        .where(Enrollment.user_id == user_id, Enrollment.completed_at.is_(None), Course.available)
        .order_by(Enrollment.last_visited_at.desc())
        .limit(limit)
    ).all()
    texts = _texts_by_owner(CourseText, CourseText.course_id, [row[0].id for row in rows])
    entries = []
    for course, module_slug, item_slug in rows:
        by_language = texts[course.id]
        text = by_language[choose_language(by_language, language, course.default_language)]
        entries.append(ContinueEntry(course, text.title, module_slug, item_slug))  # type: ignore[attr-defined]
    return entries
