"""The account model."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class Role(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    TRAINER = "trainer"
    ADMIN = "admin"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person who uses the LMS. Students created by a teacher have no email address."""

    __tablename__ = "lms_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.STUDENT)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # [classes] the teacher who created this (email-less) account for a class, if any
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"))
    # [privacy] set when the account was deleted: the row stays, emptied, so that class
    # statistics keep the (anonymous) learner's progress and attempts (see lms.privacy)
    deleted_at: Mapped[datetime | None]
    # An administrator can deactivate an account (`lms users deactivate`): it can no longer
    # log in and its open sessions stop working; nothing else about it changes.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # [reminders] when the address was proved by opening a confirmation link (My account);
    # only such addresses of students receive the weekly digest.
    email_confirmed_at: Mapped[datetime | None]
    # [reminders] the person asked for no weekly digest of due and overdue work.
    digest_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to log in an inactive account."""
        return bool(self.active) and self.deleted_at is None

    @property
    def session_token(self) -> str:
        """Changes whenever the password changes, which ends every other session."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:12]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``; admins hold every role."""
        return self.role == Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"
