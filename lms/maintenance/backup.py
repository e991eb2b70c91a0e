"""SQLite backups with the online backup API, safe while the site is serving.

``sqlite3.Connection.backup`` copies the database page by page inside a read transaction, so
the copy is a consistent snapshot even while gunicorn workers write (WAL mode). PostgreSQL
sites use ``pg_dump``/``pg_restore`` instead (see the README).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

POSTGRES_HELP = (
    "This site runs on PostgreSQL: use its own tools, which are consistent while serving.\n"
    "  back up:  pg_dump --format=custom --file=lms.dump DBNAME\n"
    "  restore:  pg_restore --clean --if-exists --no-owner --dbname=DBNAME lms.dump\n"
    "(see 'Backups' in the README)."
)


class BackupError(RuntimeError):
    """A backup or restore was refused; the message says why."""


def sqlite_path(url: URL) -> Path:
    """The database file of a SQLite URL; BackupError for other databases."""
    if url.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_HELP)
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` into a new file ``target``; returns the number of tables copied.

    The copy is owner-only (0600, in folders created 0700): it holds minors' data.
    """
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    require_lms_database(source)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Created empty with its final mode before SQLite writes a byte into it (an empty file
    # is a valid empty database), so no other user can ever open it.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as live, \
            closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        tables = copy.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if check != "ok":
        target.unlink()
        raise BackupError(f"the copy failed its integrity check: {check}")
    return int(tables)


def require_lms_database(path: Path) -> None:
    """BackupError unless ``path`` is an existing SQLite database with the LMS schema.

    Opened read-only: connecting normally would create an empty database where the
    configuration points wrongly (a cron job without the environment), and every backup
    would then be an empty copy of it.
    """
    hint = ("check LMS_DATABASE_URL and LMS_INSTANCE_PATH (cron jobs need the same "
            "environment as the service), or run 'lms db upgrade' on a new site")
    if not path.is_file():
        raise BackupError(f"{path}: no database there; {hint}")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error})") from error
    if not {"alembic_version", "lms_user"} <= tables:
        raise BackupError(f"{path} holds no LMS database (no alembic_version or lms_user "
                          f"table); {hint}")


def backup_revision(path: Path) -> str:
    """The schema revision recorded in an LMS backup; BackupError when it is not one."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            header_ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = (connection.execute("SELECT version_num FROM alembic_version").fetchone()
                   if "alembic_version" in tables else None)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error})") from error
    if not header_ok or row is None or "lms_user" not in tables:
        raise BackupError(f"{path} is not an LMS backup (no alembic_version or lms_user table)")
    return str(row[0])


def restore_sqlite(backup: Path, target: Path) -> None:
    """Overwrite the database ``target`` with ``backup``, page by page, in one step."""
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(target, timeout=30)) as live:
        source.backup(live)
