"""Quiz attempts: every attempt kept, with a snapshot of the questions as answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class QuizAttempt(db.Model):  # type: ignore[name-defined,misc]
    """One attempt at a quiz.

    ``questions`` is the snapshot of the questions as shown (answer keys included, never sent
    to the browser), so editing the quiz later never changes this attempt's result.
    """

    __tablename__ = "lms_quiz_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "item_id", "number"),
        Index("ix_lms_quiz_attempt_user_course", "user_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("lms_item.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1 for the learner's first attempt at this quiz, 2 for the next…
    language: Mapped[str] = mapped_column(String(8))
    seed: Mapped[int]  # shuffles questions and options the same way for the whole attempt
    content_hash: Mapped[str] = mapped_column(String(64))  # the quiz version the form showed
    questions: Mapped[list[dict[str, Any]]] = mapped_column(db.JSON)
    answers: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)
    results: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)  # per-question score
    score_percent: Mapped[float | None]
    passed: Mapped[bool | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<QuizAttempt {self.id} user={self.user_id} item={self.item_id} #{self.number}>"
