"""Which release of a course a learner follows, and an item as that release has it.

Learners in progress stay on the release they started (``Enrollment.release``) until they
finish or choose to move on; finished learners, newcomers and visitors get the current
release. An item's content hash and quiz settings follow the release: a learner pinned to
release 1 reads release 1's text and is graded by release 1's pass mark and attempts.

The current release reads the items' own columns (a sync writes both the same); earlier
releases read their :class:`~lms.courses.models.ReleaseItem` rows, which never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lms.courses.models import Course, CourseRelease, Item, ReleaseItem
from lms.db import db
from lms.progress.models import Enrollment

__all__ = [
    "ItemVersion",
    "followed_release",
    "learner_version",
    "release_settings",
    "settings_at",
]


def followed_release(course: Course, enrollment: Enrollment | None) -> int:
    """Learners in progress keep their release; finished learners and newcomers get the current."""
    if enrollment is not None and enrollment.completed_at is None and enrollment.release:
        return min(enrollment.release, course.current_release)
    return course.current_release


def release_settings(course: Course, number: int, current: dict[str, Any] | None,
                     released: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item's quiz settings in release ``number``: ``current`` (the item's own) for the
    current release (or none at all), ``released`` (the release item's) for an earlier one."""
    return current if number in (0, course.current_release) else released


@dataclass(frozen=True)
class ItemVersion:
    """One item as the release a learner follows has it."""

    content_hash: str
    quiz_settings: dict[str, Any] | None  # None when the item is not a quiz in that release


def learner_version(user_id: int | None, item: Item) -> ItemVersion:
    """The content and quiz settings of ``item`` in the release this learner follows.

    Two queries for a learner (enrolment, release item), none for a visitor.
    """
    current = ItemVersion(item.content_hash, item.quiz_settings)
    if user_id is None:
        return current
    row = db.session.execute(
        select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == item.course_id)
    ).first()
    if row is None:
        return current
    enrollment, course = row
    number = followed_release(course, enrollment)
    found = db.session.execute(
        select(ReleaseItem.content_hash, ReleaseItem.quiz_settings).join(CourseRelease)
        .where(CourseRelease.course_id == item.course_id, CourseRelease.number == number,
               ReleaseItem.item_id == item.id)
    ).first()
    if found is None:
        return current
    return ItemVersion(found.content_hash or item.content_hash,
                       release_settings(course, number, item.quiz_settings, found.quiz_settings))


def settings_at(item_id: int, content_hash: str) -> dict[str, Any] | None:
    """The quiz settings that came with an item's content at ``content_hash`` (one query).

    The content hash covers the quiz file's front matter, so every release holding that hash
    has the same settings. None when no release knows the hash (rows made by hand).
    """
    found: dict[str, Any] | None = db.session.scalar(
        select(ReleaseItem.quiz_settings)
        .where(ReleaseItem.item_id == item_id, ReleaseItem.content_hash == content_hash)
        .order_by(ReleaseItem.id.desc()).limit(1))
    return found
