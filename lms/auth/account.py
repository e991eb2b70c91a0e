"""My account: change the password, confirm a new or the present email address. Each function
owns its commit and never reads the request."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from lms.auth.models import User
from lms.auth.services import AccountError, hash_password
from lms.db import db, utcnow
from lms.mail.outbox import queue_mail
from lms.urls import external_url

log = logging.getLogger(__name__)

EMAIL_SALT = "lms-email-confirm"


def change_password(user_id: int, *, current: str, new: str) -> User:
    """A new password after checking the current one (AccountError on ``current_password``).

    The session token derives from the password hash (User.session_token), so every session
    opened before ends; the caller logs the current one in again.
    """
    user = db.get_or_404(User, user_id)
    if not check_password_hash(user.password_hash, current):
        raise AccountError("wrong password", "current_password")
    user.password_hash = hash_password(new)
    db.session.commit()
    log.info("password changed by %s", user.username)
    return user


def _email_taken(email: str, user_id: int) -> bool:
    return db.session.scalar(select(User.id).where(
        func.lower(User.email) == email, User.id != user_id)) is not None


def _email_state(user: User) -> str:
    # The link names the address it replaces: once the address changes (through this link or
    # another), the link stops working, so it works at most once.
    return hashlib.sha256((user.email or "").encode()).hexdigest()[:16]


@dataclass(frozen=True)
class EmailChange:
    message_id: int
    email: str


def request_email_change(user_id: int, *, password: str, email: str, secret_key: str,
                         max_age: int, language: str, now: datetime) -> EmailChange:
    """Queue a confirmation link for ``email``; the address is only stored when it is opened,
    so an address nobody confirmed never receives a reset link. AccountError on
    ``current_password`` or ``email`` (already used by another account)."""
    user = db.get_or_404(User, user_id)
    email = email.strip().lower()
    if not check_password_hash(user.password_hash, password):
        raise AccountError("wrong password", "current_password")
    if _email_taken(email, user.id):
        raise AccountError("email taken", "email")
    return _queue_confirmation(user, email, secret_key=secret_key, max_age=max_age,
                               language=language, now=now)


def request_email_confirmation(user_id: int, *, secret_key: str, max_age: int, language: str,
                               now: datetime) -> EmailChange:
    """Queue a confirmation link for the address the account already has (given at sign-up or
    by an admin, never proved): once the link is opened, a student's weekly digest goes there.
    AccountError on ``email`` when there is no address or it is confirmed already.

    No password is asked, unlike a change: the link can only confirm the address the
    account already shows, and it goes to that address.
    """
    user = db.get_or_404(User, user_id)
    if not user.email or user.email_confirmed_at is not None:
        raise AccountError("nothing to confirm", "email")
    return _queue_confirmation(user, user.email, secret_key=secret_key, max_age=max_age,
                               language=language, now=now)


def _queue_confirmation(user: User, email: str, *, secret_key: str, max_age: int,
                        language: str, now: datetime) -> EmailChange:
    token = URLSafeTimedSerializer(secret_key, salt=EMAIL_SALT).dumps(
        {"uid": user.id, "email": email, "was": _email_state(user)})
    link = external_url("lms.auth.confirm_email", token=token)
    with force_locale(user.language or language):
        subject = gettext("Confirm your email address")
        body = gettext(
            "Hello %(name)s,\n\nto use this address for your account, open this link within "
            "%(minutes)d minutes:\n\n%(link)s\n\nIf you did not ask for it, ignore this "
            "message.", name=user.display_name, minutes=max_age // 60, link=link)
    message = queue_mail(to=email, subject=subject, body=body, now=now, user_id=user.id,
                         expires_at=now + timedelta(seconds=max_age))
    db.session.commit()
    return EmailChange(message.id, email)


def confirm_email(token: str, *, secret_key: str, max_age: int) -> User:
    """Store the address a confirmation link carries. AccountError with field ``token``
    (expired, forged or already used) or ``email`` (taken meanwhile)."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=EMAIL_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as error:
        raise AccountError("bad link", "token") from error
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int) \
            or not isinstance(data.get("email"), str):
        raise AccountError("bad link", "token")
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("was") != _email_state(user):
        raise AccountError("bad link", "token")
    if _email_taken(data["email"], user.id):
        raise AccountError("email taken", "email")
    if user.email == data["email"] and user.email_confirmed_at is not None:
        return user  # opened twice: confirmed already, keep the first date
    user.email = data["email"]
    user.email_confirmed_at = utcnow()
    db.session.commit()
    log.info("email confirmed for %s", user.username)
    return user
