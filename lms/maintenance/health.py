"""The health check behind ``/healthz``: is the database there, and at the schema this
version of the LMS expects?"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, ProgrammingError

from lms.db import db

log = logging.getLogger(__name__)


def database_problem() -> str | None:
    """None when the database answers at the current migration head, else the reason.

    One query (on ``alembic_version``); the expected head is read once per process.
    """
    from lms.maintenance.schema import expected_heads

    if _sqlite_file_missing(db.engine.url):
        # Checked before connecting: SQLite would create an empty file, which then fails
        # every page; and a pooled connection to a deleted file still answers.
        return "database file missing"
    try:
        found = frozenset(db.session.execute(
            text("SELECT version_num FROM alembic_version")).scalars())
    except DBAPIError as error:
        db.session.rollback()
        if isinstance(error, ProgrammingError) or "no such table" in str(error.orig):
            return "not migrated"
        log.exception("health check failed")
        return "unreachable"
    except Exception:  # any other database failure means unhealthy; the reason goes to the log
        db.session.rollback()
        log.exception("health check failed")
        return "unreachable"
    expected = expected_heads()
    if not found:
        return "not migrated"
    if found != expected:
        return f"schema at {', '.join(sorted(found))}, expected {', '.join(sorted(expected))}"
    return None


def _sqlite_file_missing(url: URL) -> bool:
    if url.get_backend_name() != "sqlite" or url.query.get("uri"):
        return False
    return bool(url.database) and url.database != ":memory:" and not Path(
        str(url.database)).exists()
