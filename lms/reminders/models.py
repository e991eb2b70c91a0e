"""Which weekly digests were queued, so that a second run in the same week sends nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class DigestSent(db.Model):  # type: ignore[name-defined,misc]
    """One person's digest of one ISO week (``2026-W49``), written in the transaction that
    queues the email: the message exists exactly when this row does."""

    __tablename__ = "lms_digest_sent"
    __table_args__ = (UniqueConstraint("user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                         index=True)
    week: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DigestSent user={self.user_id} {self.week}>"
