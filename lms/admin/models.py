"""The admin log: one row per administrative action on an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class AdminAction(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to whom, and when. ``actor_id`` None: the command line (``lms users``)
    or an account deleted since; ``target_id`` None: an account deleted since. Names are not
    copied here, so deleting an account (lms.privacy) leaves nothing personal behind."""

    __tablename__ = "lms_admin_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"), index=True)
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"), index=True)
    #: created, imported (from a CSV file), role, deactivated, activated, password (a stable
    #: key, translated on display)
    action: Mapped[str] = mapped_column(String(32))
    #: the value set: the new role, or the role an account was created with
    detail: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<AdminAction {self.id} {self.action} by={self.actor_id} on={self.target_id}>"
