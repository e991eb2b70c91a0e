"""Recording progress. Each function owns its commit and never reads the request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from lms import hooks
from lms.courses.models import Course, CourseRelease, Item, Module, ReleaseItem
from lms.db import db
from lms.progress.models import Enrollment, ItemCompletion
from lms.signals import course_completed, item_completed

log = logging.getLogger(__name__)


def record_visit(user_id: int, course_id: int, item_id: int | None, *, now: datetime,
                 last_seen: tuple[int | None, datetime | None] | None = None) -> None:
    """Remember the page a learner is on, for "continue where you left off".

    ``last_seen`` is what the enrolment already says (page, time), when the caller has it:
    a reload of the same page within a minute writes nothing, so thirty learners refreshing
    a lesson do not queue up for SQLite's single writer.
    """
    if last_seen is not None and not visit_worth_recording(item_id, now, *last_seen):
        return
    values: dict[str, object] = {"last_visited_at": now}
    if item_id is not None:
        values["last_item_id"] = item_id
    # One UPDATE on every page view; the enrolment is only created on the first visit.
    result = db.session.execute(
        update(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
        .values(**values)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        enrollment = _enrollment(user_id, course_id, now=now)
        for name, value in values.items():
            setattr(enrollment, name, value)
    db.session.commit()


#: Reloads of the same page closer together than this are not written down again.
VISIT_GRANULARITY = timedelta(minutes=1)


def visit_worth_recording(item_id: int | None, now: datetime, last_item_id: int | None,
                          last_visited_at: datetime | None) -> bool:
    return item_id != last_item_id or last_visited_at is None or \
        now - last_visited_at >= VISIT_GRANULARITY


def _enrollment(user_id: int, course_id: int, *, now: datetime) -> Enrollment:
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
    )
    if enrollment is None:
        # A new learner follows the course's current release until they finish it.
        release = db.session.scalar(select(Course.current_release).where(Course.id == course_id))
        enrollment = Enrollment(user_id=user_id, course_id=course_id, started_at=now,
                                last_visited_at=now, release=release or None)
        db.session.add(enrollment)
        try:
            db.session.flush()
        except IntegrityError:  # the same learner enrolled in another tab a moment ago
            db.session.rollback()
            return _enrollment(user_id, course_id, now=now)
    return enrollment


@dataclass(frozen=True)
class CompletionResult:
    newly_completed: bool
    course_completed: bool


def mark_item_complete(user_id: int, item_id: int, *, now: datetime) -> CompletionResult:
    """Record that ``user_id`` completed ``item_id`` (idempotent, safe under concurrency).

    When this completes the course, the enrolment is closed exactly once and
    :data:`lms.signals.course_completed` is sent once.
    """
    item = db.session.get(Item, item_id)
    if item is None:
        raise LookupError(f"no item {item_id}")
    enrollment = _enrollment(user_id, item.course_id, now=now)
    enrollment.last_item_id = item.id
    enrollment.last_visited_at = now
    db.session.add(
        ItemCompletion(user_id=user_id, item_id=item.id, course_id=item.course_id,
                       completed_at=now, release=enrollment.release)
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return CompletionResult(newly_completed=False, course_completed=False)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    item_completed.send(app, user_id=user_id, item_id=item.id, course_id=item.course_id)
    finished = close_course_if_complete(user_id, item.course_id, now=now)
    return CompletionResult(newly_completed=True, course_completed=finished)


def close_course_if_complete(user_id: int, course_id: int, *, now: datetime) -> bool:
    """Close the enrolment when every required item is done; True the one time it happens."""
    required = _required_items(user_id, course_id)
    total = db.session.scalar(select(func.count()).select_from(required.subquery())) or 0
    done = db.session.scalar(
        select(func.count(ItemCompletion.id)).where(
            ItemCompletion.user_id == user_id, ItemCompletion.item_id.in_(required)
        )
    ) or 0
    if total == 0 or done < total:
        return False
    # A conditional UPDATE makes concurrent completions close the course only once.
    result = db.session.execute(
        update(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course_id,
               Enrollment.completed_at.is_(None))
        .values(completed_at=now)
    )
    db.session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    log.info("user %s completed course %s", user_id, course_id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    course_completed.send(app, user_id=user_id, course_id=course_id, completed_at=now)
    return True


def _required_items(user_id: int, course_id: int) -> Select[tuple[int]]:
    """The ids of the items this learner must complete: those of the release they follow."""
    from lms.progress.releases import followed_release

    course = db.session.get(Course, course_id)
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id))
    number = followed_release(course, enrollment) if course is not None else 0
    if number == 0:  # never released: the items as they are now
        return select(Item.id).join(Module).where(
            Item.course_id == course_id, Item.required, Item.available, Module.available)
    return select(ReleaseItem.item_id).join(CourseRelease).where(
        CourseRelease.course_id == course_id, CourseRelease.number == number,
        ReleaseItem.required)


def move_to_current_release(user_id: int, course_id: int, *, now: datetime) -> bool:
    """Move a learner in progress to the course's current release.

    Everything they completed stays complete (progress is stored per item, and items keep
    their ids across releases); items new in this release are still to do. Returns whether
    this completes the course (when the new release needs nothing they have not done).
    """
    course = db.session.get(Course, course_id)
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id))
    if course is None or enrollment is None or enrollment.completed_at is not None:
        return False
    enrollment.release = course.current_release
    db.session.commit()
    log.info("user %s moved to release %d of course %s", user_id, course.current_release,
             course.slug)
    _credit_passes(user_id, course_id, enrollment.release, now=now)
    return close_course_if_complete(user_id, course_id, now=now)


def _credit_passes(user_id: int, course_id: int, release: int, *, now: datetime) -> None:
    """Items the learner already passed under the rules of the release they moved to (a quiz
    whose pass mark went down below their best score) become complete, so every page agrees
    with the pass mark shown (see :data:`lms.hooks.release_passes`)."""
    passed: set[int] = set()
    for provide in hooks.release_passes:
        passed |= provide(user_id, course_id)
    done = set(db.session.scalars(select(ItemCompletion.item_id).where(
        ItemCompletion.user_id == user_id, ItemCompletion.course_id == course_id)))
    new = sorted(passed - done)
    for item_id in new:
        db.session.add(ItemCompletion(user_id=user_id, item_id=item_id, course_id=course_id,
                                      completed_at=now, release=release))
    if not new:
        return
    try:
        db.session.commit()
    except IntegrityError:  # completed in another request meanwhile
        db.session.rollback()
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for item_id in new:
        item_completed.send(app, user_id=user_id, item_id=item_id, course_id=course_id)


def move_all_to_current_release(course_id: int, *, now: datetime) -> int:
    """The trainer's migration rule: every learner in progress moves to the current release."""
    user_ids = list(db.session.scalars(select(Enrollment.user_id).where(
        Enrollment.course_id == course_id, Enrollment.completed_at.is_(None))))
    for user_id in user_ids:
        move_to_current_release(user_id, course_id, now=now)
    return len(user_ids)
