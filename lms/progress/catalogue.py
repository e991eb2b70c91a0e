"""Reading courses for the learner pages, with the learner's progress, in a constant number
of queries per page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from lms.courses.lookup import choose_language, texts_by_owner
from lms.courses.models import Course, CourseRelease, CourseText, Item, Module, ReleaseItem
from lms.db import db
from lms.percent import percent_of
from lms.progress.models import Enrollment, ItemCompletion


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
    texts = texts_by_owner(CourseText, CourseText.course_id, ids)
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
        current = {course.id: course.current_release for course in courses}
        pinned: dict[int, int] = {}
        for course_id, completed_at, release in db.session.execute(
            select(Enrollment.course_id, Enrollment.completed_at, Enrollment.release).where(
                Enrollment.user_id == user_id, Enrollment.course_id.in_(ids))
        ):
            enrolled[course_id] = completed_at is not None
            if completed_at is None and release and release < current[course_id]:
                pinned[course_id] = release
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
        if pinned:
            # Learners on an earlier version see their progress in it, as on the course page.
            for course_id, (total, completed) in _release_progress(user_id, pinned).items():
                totals[course_id], done[course_id] = total, completed
    entries = []
    for course in courses:
        by_language = texts[course.id]
        text = by_language[choose_language(by_language, language, course.default_language)]
        total = totals.get(course.id, 0)
        percent = None
        if course.id in enrolled:
            percent = percent_of(done.get(course.id, 0), total)
        entries.append(CatalogueEntry(course, text, percent, enrolled.get(course.id, False)))
    return entries


def _release_progress(user_id: int, releases: dict[int, int]) -> dict[int, tuple[int, int]]:
    """(required items, of which completed) in the given release of each course, one query."""
    in_release = or_(*(and_(CourseRelease.course_id == course_id, CourseRelease.number == number)
                       for course_id, number in releases.items()))
    rows = db.session.execute(
        select(CourseRelease.course_id, func.count(ReleaseItem.id), func.count(ItemCompletion.id))
        .join(ReleaseItem, ReleaseItem.release_id == CourseRelease.id)
        .outerjoin(ItemCompletion, and_(ItemCompletion.item_id == ReleaseItem.item_id,
                                        ItemCompletion.user_id == user_id))
        .where(in_release, ReleaseItem.required)
        .group_by(CourseRelease.course_id))
    return {course_id: (total, completed) for course_id, total, completed in rows}


@dataclass(frozen=True)
class ContinueEntry:
    course: Course
    title: str
    module_slug: str | None
    item_slug: str | None
    language: str = ""  # the language of ``title``


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
    texts = texts_by_owner(CourseText, CourseText.course_id, [row[0].id for row in rows])
    entries = []
    for course, module_slug, item_slug in rows:
        by_language = texts[course.id]
        text = by_language[choose_language(by_language, language, course.default_language)]
        entries.append(ContinueEntry(course, text.title, module_slug, item_slug,  # type: ignore[attr-defined]
                                     text.language))
    return entries
