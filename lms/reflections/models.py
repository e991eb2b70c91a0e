"""A teacher's private comment on one reflection answer of one quiz attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class ReflectionComment(db.Model):  # type: ignore[name-defined,misc]
    """Seen only by the teacher who wrote it (and admins) and the student it answers.

    ``question_key`` is the reflection's key in the attempt's question snapshot, so the
    comment stays attached to the answer even when the quiz changes later. ``seen_at`` is
    set when the student opens the attempt: until then the home page shows it as new.
    """

    __tablename__ = "lms_reflection_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("lms_quiz_attempt.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(64))
    # The student the comment is for (the attempt's owner), for their home page and data.
    student_id: Mapped[int] = mapped_column(
        ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    # None once the teacher's account is gone; the comment stays the student's.
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ReflectionComment {self.id} attempt={self.attempt_id} {self.question_key}>"
