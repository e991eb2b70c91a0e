"""The signed-in user as every page sees it: one row read through Core, no ORM object.

Flask-Login loads the user on every request; building an ORM ``User`` (identity map,
instance state, expiry on commit) cost more than the query itself. Pages read a handful of
columns (id, name, role, language, email); code that changes the account loads the full
:class:`~lms.auth.models.User` explicitly (``db.session.get(User, current_user.id)``, or
:func:`full_user`). The row is read again on every request, so a role change, a
deactivation or a password change takes effect on the user's next request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from lms.auth.models import Role, User
from lms.db import db
from lms.db_reads import PreparedRead

_user = User.__table__
_COLUMNS = (_user.c.id, _user.c.username, _user.c.email, _user.c.display_name, _user.c.role,
            _user.c.language, _user.c.active, _user.c.deleted_at, _user.c.digest_opt_out,
            _user.c.email_confirmed_at, _user.c.password_hash)
# Built once: composing the statement costs more than running it.
_BY_ID = PreparedRead(select(*_COLUMNS).where(_user.c.id == bindparam("user_id")))


def session_token(password_hash: str) -> str:
    """Changes whenever the password changes, which ends every other session (as
    :attr:`User.session_token`)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class SessionUser(UserMixin):
    """The columns pages read of the signed-in account (``current_user``)."""

    id: int
    username: str
    email: str | None
    display_name: str
    role: str
    language: str | None
    active: bool
    deleted_at: datetime | None
    digest_opt_out: bool
    email_confirmed_at: datetime | None
    session_token: str

    @property
    def is_active(self) -> bool:
        return bool(self.active) and self.deleted_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``; admins hold every role."""
        return self.role == Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<SessionUser {self.id} {self.username!r} {self.role}>"


def load_session_user(session_id: str) -> SessionUser | None:
    """Flask-Login's user loader: the account named by ``"<id>:<token>"`` when the token
    matches its current password and the account may still sign in; else None."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    rows = _BY_ID.rows({"user_id": int(user_id)})
    if not rows:
        return None
    row = rows[0]
    # After a password change (or reset), sessions opened with the old password end.
    if session_token(row[-1]) != token:
        return None
    user = SessionUser(*row[:-1], session_token=token)
    # A deactivated (or deleted) account's sessions stop working at its next request.
    return user if user.is_active else None


def full_user(user_id: int) -> User:
    """The ORM account, for code that changes it or hands it to a service expecting one."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    return user
