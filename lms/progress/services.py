"""Recording progress. Each function owns its commit and never reads the request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms.courses.models import Item, Module
from lms.db import db
from lms.progress.models import Enrollment, ItemCompletion
from lms.signals import course_completed, item_completed

log = logging.getLogger(__name__)


def record_visit(user_id: int, course_id: int, item_id: int | None, *, now: datetime) -> None:
    """Remember the page a learner is on, for "continue where you left off"."""
    enrollment = _enrollment(user_id, course_id, now=now)
    if item_id is not None:
        enrollment.last_item_id = item_id
    enrollment.last_visited_at = now
    db.session.commit()


def _enrollment(user_id: int, course_id: int, *, now: datetime) -> Enrollment:
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
    )
    if enrollment is None:
        enrollment = Enrollment(user_id=user_id, course_id=course_id, started_at=now,
                                last_visited_at=now)
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
                       completed_at=now)
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
    """Mark the enrolment complete when every required item is done; True the one time it happens."""
    required = select(Item.id).join(Module).where(
        Item.course_id == course_id, Item.required, Item.available, Module.available
    )
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
