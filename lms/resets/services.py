"""Password resets by teachers and admins. Each function owns its commit; none reads the request.

Who may reset whom (:func:`permission`):

- an admin: any account but their own;
- a teacher: an email-less student account they created, or an email-less student who made
  their own account (or whose creator's account was deleted) and is a member of one of the
  teacher's *active* classes. An account another teacher created is reset by that teacher or an
  admin: joining a second class must not hand the account over to the second teacher.
  Students with an email reset their password by email.

A reset gives a one-time code, not a password. The old password keeps working until the code
is used, so a reset made by mistake locks nobody out; a newer code replaces an older unused
one. Logging in with the code uses it up and leads straight to "choose your new password"
(see :mod:`lms.resets.views`); the new password ends every other session.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased
from werkzeug.security import check_password_hash

from lms.auth.models import Role, User
from lms.auth.services import hash_password
from lms.classes.models import ClassMember, SchoolClass
from lms.classes.teachers import taught_by
from lms.db import db
from lms.resets.models import PasswordReset

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(days=7)
#: Upper-case letters and digits without 0 O 1 I L: read from a printed card by children.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31**12 ≈ 2**59, shown as three groups of four: "K7MX-Q2PA-9RTD"


class ResetRefused(ValueError):
    """A reset was refused; ``permission`` says why."""

    def __init__(self, permission: Permission) -> None:
        super().__init__(permission.reason)
        self.permission = permission


@dataclass(frozen=True)
class Permission:
    """Whether the actor may reset the account and, if not, why (a stable key for the view):
    ``self``, ``deleted``, ``has_email``, ``not_student``, ``created_by_other`` (with the
    creator's name) or ``not_in_active_class``."""

    allowed: bool
    reason: str = ""
    creator_name: str = ""


ALLOWED = Permission(True)


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str | None) -> str | None:
    """The code from what was typed (case, spaces and dashes ignored); None when it cannot be
    a code at all (most passwords), so no hash is checked for nothing."""
    if not typed:
        return None
    code = re.sub(r"[\s\-_.]", "", unicodedata.normalize("NFKC", typed)).upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


# -- who may reset whom ----------------------------------------------------------------------


def _decide(actor: User, target: User, *, creator: User | None, in_active_class: bool
            ) -> Permission:
    """The rule of the module docstring, once the facts are loaded. Pure."""
    if target.deleted_at is not None:
        return Permission(False, "deleted")
    if actor.id == target.id:
        return Permission(False, "self")
    if actor.role == Role.ADMIN:
        return ALLOWED
    if not actor.has_role(Role.TEACHER) or target.role != Role.STUDENT:
        return Permission(False, "not_student")
    if target.email:
        return Permission(False, "has_email")
    if target.created_by_id == actor.id:
        return ALLOWED
    if creator is not None and creator.deleted_at is None:
        return Permission(False, "created_by_other", creator.display_name)
    return ALLOWED if in_active_class else Permission(False, "not_in_active_class")


def _active_members(teacher_id: int, user_ids: Iterable[int]) -> set[int]:
    """Which of ``user_ids`` are in one of the teacher's classes that is not archived."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    return set(db.session.scalars(
        select(ClassMember.user_id).join(SchoolClass, SchoolClass.id == ClassMember.class_id)
        .where(taught_by(teacher_id), SchoolClass.archived_at.is_(None),
               ClassMember.user_id.in_(ids))))


def permissions_for(actor_id: int, targets: list[User]) -> dict[int, Permission]:
    """:func:`permission` for many accounts at once (three queries), for a class's list."""
    actor = db.session.get(User, actor_id)
    if actor is None:
        return {target.id: Permission(False, "not_student") for target in targets}
    creator_ids = {t.created_by_id for t in targets if t.created_by_id is not None}
    creators = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(sorted(creator_ids))))} if creator_ids else {}
    active = _active_members(actor.id, [t.id for t in targets])
    return {target.id: _decide(actor, target, creator=creators.get(target.created_by_id or 0),
                               in_active_class=target.id in active) for target in targets}


def class_member(class_id: int, user_id: int) -> User | None:
    """The account when it is a member of the class, else None."""
    return db.session.scalar(select(User).join(ClassMember, ClassMember.user_id == User.id)
                             .where(ClassMember.class_id == class_id, User.id == user_id))


def permission(actor_id: int, target_id: int) -> Permission:
    target = db.session.get(User, target_id)
    if target is None:
        return Permission(False, "deleted")
    return permissions_for(actor_id, [target])[target.id]


# -- making and using a code -----------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    """A new code. ``code`` exists only in memory for the response that shows it."""

    user_id: int
    display_name: str
    username: str
    code: str
    expires_at: datetime


def issue_code(actor_id: int, target_id: int, *, now: datetime) -> IssuedCode:
    """A one-time code for ``target``, replacing any earlier one; raises :class:`ResetRefused`.

    The account's password is not touched: it keeps working until the code is used.
    """
    allowed = permission(actor_id, target_id)
    if not allowed.allowed:
        raise ResetRefused(allowed)
    target = db.session.get(User, target_id)
    assert target is not None  # permission() said "deleted" otherwise
    db.session.execute(update(PasswordReset).where(
        PasswordReset.user_id == target_id, PasswordReset.code_hash.is_not(None))
        .values(code_hash=None))
    issued = add_code(actor_id, target, now=now)
    db.session.commit()
    log.info("user %s made a one-time code for account %s", actor_id, target_id)
    return issued


def add_code(actor_id: int, target: User, *, now: datetime) -> IssuedCode:
    """A code for an account created in the caller's transaction (which the creator may
    reset by definition): no permission check, no commit."""
    code = generate_code()
    reset = PasswordReset(user_id=target.id, reset_by_id=actor_id, created_at=now,
                          expires_at=now + CODE_LIFETIME, code_hash=hash_password(code))
    db.session.add(reset)
    return IssuedCode(target.id, target.display_name, target.username, code, reset.expires_at)


@dataclass(frozen=True)
class Redemption:
    """The account logged in with a code, or why a matching code was refused
    (``used`` or ``expired``); both None when the code matches nothing."""

    user: User | None = None
    problem: str | None = None


def redeem_code(login: str, typed: str, *, now: datetime) -> Redemption:
    """Log in with a one-time code, using it up. Called after the password did not match."""
    code = normalise_code(typed)
    if code is None:
        return Redemption()
    login = login.strip().lower()
    user = db.session.scalar(select(User).where(
        or_(User.username == login, func.lower(User.email) == login), User.deleted_at.is_(None)))
    if user is None:
        return Redemption()
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.code_hash.is_not(None))
        .order_by(PasswordReset.id.desc()).limit(1))
    if reset is None or not check_password_hash(str(reset.code_hash), code):
        return Redemption()
    if reset.used_at is not None:
        return Redemption(problem="used")
    if reset.expires_at <= now:
        return Redemption(problem="expired")
    # Guarded by "still unused" in the UPDATE itself: of two logins racing with the same
    # code, exactly one gets the row.
    result = db.session.execute(update(PasswordReset).where(
        PasswordReset.id == reset.id, PasswordReset.used_at.is_(None)).values(used_at=now))
    db.session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return Redemption(problem="used")
    log.info("account %s logged in with a one-time code", user.id)
    return Redemption(user=user)


def set_new_password(user_id: int, password: str) -> User:
    """The password chosen after logging in with a code (other sessions end with it)."""
    user = db.get_or_404(User, user_id)
    user.password_hash = hash_password(password)
    db.session.commit()
    log.info("account %s chose a new password after a one-time code", user_id)
    return user


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResetRecord:
    """A reset as shown to teachers and admins; ``by_name`` is None when that account was
    deleted."""

    user_id: int
    username: str
    display_name: str
    by_name: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


def _records(where: object | None = None, limit: int = 100) -> list[ResetRecord]:
    target, actor = aliased(User), aliased(User)
    query = (select(PasswordReset, target.username, target.display_name, actor.display_name)
             .join(target, target.id == PasswordReset.user_id)
             .outerjoin(actor, actor.id == PasswordReset.reset_by_id)
             .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc()).limit(limit))
    if where is not None:
        query = query.where(where)  # type: ignore[arg-type]
    return [ResetRecord(reset.user_id, username, name, by_name, reset.created_at,
                        reset.expires_at, reset.used_at)
            for reset, username, name, by_name in db.session.execute(query)]


def recent_resets(limit: int = 100) -> list[ResetRecord]:
    """The latest resets on the whole site, for the admin."""
    return _records(limit=limit)


def resets_of(user_id: int, limit: int = 10) -> list[ResetRecord]:
    """The latest resets of one account, for its teachers."""
    return _records(PasswordReset.user_id == user_id, limit)


def latest_resets(user_ids: Iterable[int]) -> dict[int, ResetRecord]:
    """The latest reset of each account that had one (one query), for a class's list."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    newest = (select(func.max(PasswordReset.id)).where(PasswordReset.user_id.in_(ids))
              .group_by(PasswordReset.user_id))
    return {record.user_id: record
            for record in _records(PasswordReset.id.in_(newest), limit=len(ids))}
