"""Account operations. Each function owns its commit and never reads the request."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache

from flask import current_app, has_app_context
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from lms import hooks
from lms.auth.models import Role, User
from lms.db import db
from lms.names import clean_name

log = logging.getLogger(__name__)

RESET_SALT = "lms-password-reset"


@cache
def _dummy_hash() -> str:
    """Checked against when the login is unknown, so a wrong username costs as much time as a
    wrong password and does not reveal which accounts exist. Made on first use: hashing
    takes a tenth of a second, which every start of the app would otherwise pay."""
    return generate_password_hash("not a real password")


class AccountError(ValueError):
    """An account operation was refused; ``field`` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def hash_password(password: str) -> str:
    """A salted scrypt hash (Werkzeug's default KDF).

    ``LMS_PASSWORD_HASH_METHOD`` exists for the test suite only, where thousands of
    deliberately slow hashes would dominate the run time.
    """
    method = current_app.config.get("LMS_PASSWORD_HASH_METHOD", "scrypt") \
        if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    email: str | None = None,
    role: str = Role.STUDENT,
    language: str | None = None,
) -> User:
    """Create an account; raises :class:`AccountError` when the username or email is taken."""
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}", "role")
    username = username.strip().lower()
    email = email.strip().lower() if email else None
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("username taken", "username")
    if email and db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("email taken", "email")
    user = User(
        username=username,
        email=email,
        display_name=clean_name(display_name),
        password_hash=hash_password(password),
        role=role,
        language=language,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:  # two sign-ups racing for the same name
        db.session.rollback()
        raise AccountError("username taken", "username") from error
    log.info("created %s account %s", role, username)
    return user


def authenticate(login: str, password: str) -> User | None:
    """The account for a username or email and password, or None."""
    login = login.strip().lower()
    user = db.session.scalar(
        select(User).where(or_(User.username == login, func.lower(User.email) == login))
    )
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def set_user_language(user_id: int, language: str | None) -> None:
    user = db.session.get(User, user_id)
    if user is not None:
        user.language = language
        db.session.commit()


def update_account(user_id: int, *, display_name: str, language: str | None,
                   weekly_digest: bool | None = None) -> None:
    """Save the account page; a student may not take the name of a teacher of their classes
    (AccountError on ``display_name``)."""
    user = db.get_or_404(User, user_id)
    name = clean_name(display_name)
    # Features built on accounts add their rules (lms.classes: not a teacher's name).
    if name != user.display_name and any(refuses(user_id, name)
                                         for refuses in hooks.name_refusals):
        raise AccountError("teacher's name", "display_name")
    user.display_name = name
    user.language = language or None
    if weekly_digest is not None:
        user.digest_opt_out = not weekly_digest
    db.session.commit()


@dataclass(frozen=True)
class ResetRequest:
    user: User
    token: str


def _fingerprint(user: User) -> str:
    # The token carries a digest of the current password hash: once the password changes,
    # every earlier token stops working, so a token cannot be used twice.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_request(email: str, *, secret_key: str) -> ResetRequest | None:
    """A reset token for the account with ``email``, or None when there is none."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        return None
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    return ResetRequest(user, serializer.dumps({"uid": user.id, "fp": _fingerprint(user)}))


def user_for_reset_token(token: str, *, secret_key: str, max_age: int) -> User | None:
    """The account a still-valid, unused token belongs to."""
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    try:
        data = serializer.loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or data.get("fp") != _fingerprint(user):
        return None
    return user


def reset_password(token: str, password: str, *, secret_key: str, max_age: int) -> User | None:
    """Set a new password with a reset token; None when the token is expired or used."""
    user = user_for_reset_token(token, secret_key=secret_key, max_age=max_age)
    if user is None:
        return None
    user.password_hash = hash_password(password)
    db.session.commit()
    log.info("password reset for %s", user.username)
    return user


def list_accounts() -> list[User]:
    """Every account that was not deleted, by username (for `lms users list`)."""
    return list(db.session.scalars(
        select(User).where(User.deleted_at.is_(None)).order_by(User.username)))


def _account(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower(),
                                                User.deleted_at.is_(None)))
    if user is None:
        raise AccountError(f"no account {username!r}", "username")
    return user


def _record(action: str, *, actor_id: int | None, target_id: int, detail: str = "") -> None:
    # The admin log lives in lms.admin, a layer above: it listens (lms.hooks).
    for record in hooks.account_changes:
        record(action, actor_id=actor_id, target_id=target_id, detail=detail)


def set_password(username: str, password: str, *, actor_id: int | None = None) -> User:
    """A new password; every session opened with the old one ends (see User.session_token).
    Recorded in the admin log (``actor_id`` None: the command line)."""
    user = _account(username)
    user.password_hash = hash_password(password)
    _record("password", actor_id=actor_id, target_id=user.id)
    db.session.commit()
    log.info("password set for %s", user.username)
    return user


def apply_role(user: User, role: str) -> None:
    """Give the account another role, uncommitted (the caller may log it in the same
    transaction); the last active administrator keeps theirs (AccountError on ``role``)."""
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r} (choose from {', '.join(Role)})", "role")
    if user.role == Role.ADMIN and role != Role.ADMIN and _last_admin(user):
        raise AccountError(f"{user.username} is the last active administrator", "last_admin")
    user.role = role


def apply_active(user: User, active: bool) -> None:
    """Deactivate (no log-in, open sessions end) or reactivate, uncommitted; the last active
    administrator stays active (AccountError on ``last_admin``)."""
    if not active and user.role == Role.ADMIN and _last_admin(user):
        raise AccountError(f"{user.username} is the last active administrator", "last_admin")
    user.active = active


def set_role(username: str, role: str, *, actor_id: int | None = None) -> User:
    """Give the account another role; the last active administrator keeps theirs. Recorded in
    the admin log (``actor_id`` None: the command line)."""
    user = _account(username)
    apply_role(user, role)
    _record("role", actor_id=actor_id, target_id=user.id, detail=role)
    db.session.commit()
    log.info("%s is now %s", user.username, role)
    return user


def set_active(username: str, active: bool, *, actor_id: int | None = None) -> User:
    """Deactivate (no log-in, open sessions end) or reactivate an account. Recorded in the
    admin log (``actor_id`` None: the command line)."""
    user = _account(username)
    apply_active(user, active)
    _record("activated" if active else "deactivated", actor_id=actor_id, target_id=user.id)
    db.session.commit()
    log.info("%s %s", "activated" if active else "deactivated", user.username)
    return user


def _last_admin(user: User) -> bool:
    """Whether ``user`` is the only active administrator: nobody could manage the site
    without them."""
    others = db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.active.is_(True), User.deleted_at.is_(None),
        User.id != user.id))
    return not others
