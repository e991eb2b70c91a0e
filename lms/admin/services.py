"""Account administration in the browser. Role and (de)activation are the services of
``lms users`` (lms.auth.services), which also write the admin log; creating one account, or
many from a CSV file (read by :mod:`lms.admin.csv_import`), is here."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from lms.admin import csv_import
from lms.admin import log as admin_log
from lms.auth.models import User
from lms.auth.services import create_user
from lms.db import db
from lms.names import clean_name
from lms.resets.services import IssuedCode, add_code, issue_code

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


# -- importing teachers and trainers from a CSV file -----------------------------------------


class ImportRefused(ValueError):
    """Nothing was written: ``rows`` say what is wrong (empty when another account took a
    username or address at the same moment: sending again shows which)."""

    def __init__(self, rows: list[csv_import.CheckedRow]) -> None:
        super().__init__("import refused")
        self.rows = rows


@dataclass(frozen=True)
class ImportedAccount:
    """An account made by an import; ``code`` exists only in memory for the page showing it."""

    user_id: int
    display_name: str
    username: str
    role: str
    email: str | None
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class ImportPreview:
    rows: list[csv_import.CheckedRow]
    problems: list[csv_import.Problem]  # about the whole file
    encoding: str


def preview_import(data: bytes) -> ImportPreview:
    """The file's rows with the username each would get and everything wrong (writes
    nothing)."""
    read = csv_import.read_csv(data)
    return ImportPreview(check_import(read.rows) if read.rows else [], read.problems,
                         read.encoding)


def check_import(rows: Sequence[csv_import.Row]) -> list[csv_import.CheckedRow]:
    """The rows checked against each other and against the accounts there are now."""
    named = sorted({row.username for row in rows if row.username})
    bases = sorted(csv_import.username_bases(rows))
    conditions = [User.username.in_(named)] if named else []
    conditions += [User.username.startswith(base) for base in bases]
    taken = set(db.session.scalars(select(User.username).where(or_(*conditions)))) \
        if conditions else set()
    emails = sorted({row.email for row in rows if row.email})
    used = set(db.session.scalars(select(func.lower(User.email)).where(
        func.lower(User.email).in_(emails)))) if emails else set()
    return csv_import.check_rows(rows, taken_usernames=taken, taken_emails=used)


def _unusable_password_hash() -> str:
    """The hash of a random password nobody ever sees (the person logs in with a one-time
    code). 256 random bits need no slow hash; one slow hash per account (the code's) keeps an
    import of a hundred accounts inside a request's time."""
    return generate_password_hash(secrets.token_urlsafe(32), method="pbkdf2:sha256:1000")


def import_accounts(actor_id: int, rows: Sequence[csv_import.Row], *, now: datetime
                    ) -> list[ImportedAccount]:
    """Teacher and trainer accounts, each with a one-time code, in one transaction; every one
    in the admin log. Raises :class:`ImportRefused` (nothing written) when any row is wrong."""
    checked = check_import(rows)
    if not checked or any(item.problems for item in checked):
        raise ImportRefused(checked)
    created: list[ImportedAccount] = []
    try:
        for item in checked:
            row = item.row
            user = User(username=item.username, email=row.email or None,
                        display_name=clean_name(row.display_name), role=row.role,
                        password_hash=_unusable_password_hash(), created_at=now)
            db.session.add(user)
            db.session.flush()
            issued = add_code(actor_id, user, now=now)
            admin_log.record("imported", actor_id=actor_id, target_id=user.id, detail=row.role,
                             now=now)
            created.append(ImportedAccount(user.id, user.display_name, user.username, row.role,
                                           user.email, issued.code, issued.expires_at))
        db.session.commit()
    except IntegrityError as error:  # an account took a username or address meanwhile
        db.session.rollback()
        raise ImportRefused([]) from error
    log.info("admin %s imported %d accounts", actor_id, len(created))
    return created
