"""Stored progress: one row per completed item, one per enrolment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class Enrollment(db.Model):  # type: ignore[name-defined,misc]
    """A learner's relation to a course; remembers where they left off."""

    __tablename__ = "lms_enrollment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_item.id", ondelete="SET NULL")
    )
    last_visited_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    completed_at: Mapped[datetime | None]
    # The course release this learner follows (CourseRelease.number).
    release: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<Enrollment user={self.user_id} course={self.course_id}>"


class ItemCompletion(db.Model):  # type: ignore[name-defined,misc]
    """A lesson marked complete, or a quiz passed."""

    __tablename__ = "lms_item_completion"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("lms_item.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The course release it was earned on.
    release: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<ItemCompletion user={self.user_id} item={self.item_id}>"
