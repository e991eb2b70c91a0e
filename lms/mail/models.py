"""The outbox: every email the LMS sends is first a row here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"  # handed to the SMTP server; the body is erased
    FAILED = "failed"  # gave up after LMS_MAIL_MAX_ATTEMPTS; the body is erased
    EXPIRED = "expired"  # too late to be useful (a reset link past its age); body erased


class OutboxMail(db.Model):  # type: ignore[name-defined,misc]
    """One email, written in the same transaction as what it announces and sent later
    (``lms mail send``, or right after the response), so a mail server outage neither
    changes what the user sees nor loses the message.

    The body may hold a reset token: it is erased once the message is sent, given up or
    expired, and the row itself is purged ``LMS_MAIL_KEEP_DAYS`` later (the recipient and
    subject stay until then, to answer "did my email go out?").
    """

    __tablename__ = "lms_mail_outbox"
    __table_args__ = (Index("ix_lms_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The account the mail is about; its mail goes with it when the account is deleted.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<OutboxMail {self.id} {self.status} attempts={self.attempts}>"
