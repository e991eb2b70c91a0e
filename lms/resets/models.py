"""One password reset: the record (who, whom, when) and, while it lasts, its one-time code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class PasswordReset(db.Model):  # type: ignore[name-defined,misc]
    """A reset made for ``user_id`` by ``reset_by_id``.

    The row is kept as the record that other teachers and admins see. ``code_hash`` holds the
    one-time code as a password hash only (never the plain code); it is erased when a newer
    code replaces this one or the account is deleted, so at most one row per account has a
    code. A used or expired code keeps its hash, so that typing it again gets a clear
    "already used" or "expired" instead of "wrong password".
    """

    __tablename__ = "lms_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    # None once the person who made the reset deleted their account (the record stays).
    reset_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    code_hash: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} user={self.user_id} by={self.reset_by_id}>"
