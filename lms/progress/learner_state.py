"""What an item page needs of the database, in one query.

The course (by slug), the learner's enrolment in it and which items of one module they
have completed come back from one Core statement (no ORM objects are built); everything
else on the page comes from the per-worker :mod:`lms.progress.skeleton` and the item's text
kept per worker. The page cache (:mod:`lms.learning.page_cache`) builds its key from this
same result, so a cached page can never show stale progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, select

from lms.courses.models import Course, Item, Module
from lms.db_reads import PreparedRead
from lms.progress.models import Enrollment, ItemCompletion
from lms.progress.skeleton import CourseInfo

_course = Course.__table__
_enrollment = Enrollment.__table__
_completion = ItemCompletion.__table__
_item = Item.__table__
_module = Module.__table__
_COURSE_COLUMNS = (_course.c.id, _course.c.slug, _course.c.default_language,
                   _course.c.content_hash, _course.c.synced_at, _course.c.current_release,
                   _course.c.available)


@dataclass(frozen=True)
class LearnerState:
    """A learner's standing in one course, as one page view read it."""

    course: CourseInfo
    enrolled: bool
    release: int  # the release shown (see lms.progress.releases.followed_release)
    completed: frozenset[int]  # completed items of the module asked for
    completed_at: datetime | None = None
    last_item_id: int | None = None
    last_visited_at: datetime | None = None


def followed(current_release: int, enrolled: bool, completed_at: datetime | None,
             release: int | None) -> int:
    """:func:`lms.progress.releases.followed_release` on plain values."""
    if enrolled and completed_at is None and release:
        return min(release, current_release)
    return current_release


# Built once, and compiled once per dialect (lms.db_reads): composing and compiling a
# statement costs several times what running it costs; only the bound values change per page.
_VISITOR = PreparedRead(
    select(*_COURSE_COLUMNS).where(_course.c.slug == bindparam("course_slug")))
_in_module = (select(_item.c.id).join(_module, _module.c.id == _item.c.module_id)
              .where(_module.c.course_id == _course.c.id,
                     _module.c.slug == bindparam("module_slug"))
              .correlate(_course))
_LEARNER = PreparedRead(
    select(*_COURSE_COLUMNS, _enrollment.c.id, _enrollment.c.release,
           _enrollment.c.completed_at, _enrollment.c.last_item_id,
           _enrollment.c.last_visited_at, _completion.c.item_id)
    .select_from(
        _course.outerjoin(_enrollment, and_(_enrollment.c.course_id == _course.c.id,
                                            _enrollment.c.user_id == bindparam("user_id")))
        .outerjoin(_completion, and_(_completion.c.course_id == _course.c.id,
                                     _completion.c.user_id == bindparam("user_id"),
                                     _completion.c.item_id.in_(_in_module))))
    .where(_course.c.slug == bindparam("course_slug")))


def learner_state(course_slug: str, module_slug: str, user_id: int | None) -> LearnerState | None:
    """The course, enrolment and completions in module ``module_slug``: one query.

    None when there is no such course. A visitor's state has no enrolment and no completions.
    """
    if user_id is None:
        found = _VISITOR.rows({"course_slug": course_slug})
        if not found:
            return None
        course = CourseInfo(*found[0])
        return LearnerState(course, False, course.current_release, frozenset())
    rows = _LEARNER.rows({"course_slug": course_slug, "module_slug": module_slug,
                          "user_id": user_id})
    if not rows:
        return None
    first = rows[0]
    course = CourseInfo(*first[:len(_COURSE_COLUMNS)])
    enrollment_id, release, completed_at, last_item_id, last_visited_at = \
        first[len(_COURSE_COLUMNS):-1]
    enrolled = enrollment_id is not None
    return LearnerState(
        course, enrolled, followed(course.current_release, enrolled, completed_at, release),
        frozenset(row[-1] for row in rows if row[-1] is not None),
        completed_at, last_item_id, last_visited_at)
