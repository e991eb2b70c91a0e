"""SQLite backups with the online backup API, safe while the site is serving.

``sqlite3.Connection.backup`` copies the database page by page inside a read transaction, so
the copy is a consistent snapshot even while gunicorn workers write (WAL mode). PostgreSQL
sites use ``pg_dump``/``pg_restore`` instead (see the README).
"""

from __future__ import annotations

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
    """Copy ``source`` into a new file ``target``; returns the number of tables copied."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        tables = copy.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if check != "ok":
        target.unlink()
        raise BackupError(f"the copy failed its integrity check: {check}")
    return int(tables)


def read_backup(path: Path) -> tuple[str, dict[str, frozenset[str]]]:
    """The schema revision recorded in an LMS backup, and its tables and columns;
    BackupError (``path: message``) when it is not one."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            header_ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = [row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            rows = (connection.execute("SELECT version_num FROM alembic_version").fetchall()
                    if "alembic_version" in tables else [])
            schema = {table: frozenset(row[0] for row in connection.execute(
                "SELECT name FROM pragma_table_info(?)", (table,)))
                for table in tables if table != "alembic_version"}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not an SQLite database ({error})") from error
    if not header_ok or len(rows) != 1 or "lms_user" not in tables:
        raise BackupError(f"{path}: not an LMS backup (no alembic_version or lms_user table)")
    return str(rows[0][0]), schema


def backup_revision(path: Path) -> str:
    """The schema revision recorded in an LMS backup; BackupError when it is not one."""
    return read_backup(path)[0]


def restore_sqlite(backup: Path, target: Path) -> None:
    """Overwrite the database ``target`` with ``backup``, page by page, in one step."""
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(target, timeout=30)) as live:
        source.backup(live)
