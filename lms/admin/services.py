"""Account administration in the browser. Role and (de)activation are the services of
``lms users`` (lms.auth.services), which also write the admin log."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from lms.admin import log as admin_log
from lms.auth.models import User
from lms.auth.services import create_user
from lms.db import db
from lms.resets.services import IssuedCode, issue_code

log = logging.getLogger(__name__)


def create_account(actor_id: int, *, username: str, display_name: str, role: str,
                   email: str | None, now: datetime) -> IssuedCode:
    """A new account of any role with a one-time code (shown once) instead of a password.

    The password is random and never shown: the person logs in with the code and then must
    choose their own (lms.resets). AccountError when the username or email is taken.
    """
    user = create_user(username=username, display_name=display_name, role=role,
                       email=email or None, password=secrets.token_urlsafe(32))
    admin_log.record("created", actor_id=actor_id, target_id=user.id, detail=role, now=now)
    db.session.commit()
    log.info("admin %s created %s account %s", actor_id, role, user.username)
    return issue_code(actor_id, user.id, now=now)


def account(user_id: int) -> User | None:
    """An account that was not deleted, or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.deleted_at is None else None
