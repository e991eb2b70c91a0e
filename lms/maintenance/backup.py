"""Backups that are safe while the site is serving.

On SQLite, ``sqlite3.Connection.backup`` copies the database page by page inside a read
transaction, so the copy is a consistent snapshot even while gunicorn workers write (WAL
mode). On PostgreSQL, ``pg_dump`` of the configured database does the same; restoring is
``pg_restore``'s (see the README).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, Engine

POSTGRES_HELP = (
    "This site runs on PostgreSQL: 'lms backup PATH' runs pg_dump; restore with pg_restore "
    "into the configured database, as its owner (the app's role):\n"
    "  pg_restore --clean --if-exists --no-owner --role=APP_ROLE "
    "--dbname=\"${LMS_DATABASE_URL/+psycopg/}\" lms.dump\n"
    "(see 'Backups' in the README)."
)


#: Tables every LMS database has, whatever its revision: the mark of an LMS schema.
LMS_MARKER_TABLES = frozenset({"alembic_version", "lms_user"})


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
    new_private_file(target)  # an empty file is a valid empty SQLite database
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
            tables = _table_names(connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error})") from error
    if not tables >= LMS_MARKER_TABLES:
        raise BackupError(f"{path} holds no LMS database (no alembic_version or lms_user "
                          f"table); {hint}")


def _table_names(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}


def new_private_file(target: Path) -> None:
    """Create ``target`` empty and owner-only (0600, in folders created 0700) before anything
    writes into it: backups hold minors' data."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup_postgres(engine: Engine, target: Path) -> int:
    """``pg_dump`` the database ``engine`` points at into a new file ``target`` (custom
    format); returns the number of tables. The password travels in the environment, not on
    the command line where other local users could read it."""
    tables = set(inspect(engine).get_table_names())
    url = engine.url
    if not tables >= LMS_MARKER_TABLES:
        raise BackupError(f"database {url.database!r} on {url.host or 'the local server'} "
                          "holds no LMS schema; check LMS_DATABASE_URL")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is missing: install the PostgreSQL client "
                          "(apt-get install postgresql-client)")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    libpq_url = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    new_private_file(target)
    result = subprocess.run([pg_dump, "--format=custom", f"--file={target}",
                             f"--dbname={libpq_url}"],
                            env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        target.unlink()
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return len(tables)


def read_backup(path: Path) -> tuple[str, dict[str, frozenset[str]]]:
    """The schema revision recorded in an LMS backup, and its tables and columns;
    BackupError (``path: message``) when it is not one."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            header_ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = _table_names(connection)
            rows = (connection.execute("SELECT version_num FROM alembic_version").fetchall()
                    if "alembic_version" in tables else [])
            schema = {table: frozenset(row[0] for row in connection.execute(
                "SELECT name FROM pragma_table_info(?)", (table,)))
                for table in tables if table != "alembic_version"}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not an SQLite database ({error})") from error
    if not header_ok or len(rows) != 1 or not tables >= LMS_MARKER_TABLES:
        raise BackupError(f"{path}: not an LMS backup (no alembic_version or lms_user table)")
    return str(rows[0][0]), schema


def restore_sqlite(backup: Path, target: Path) -> None:
    """Overwrite the database ``target`` with ``backup``, page by page, in one step."""
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(target, timeout=30)) as live:
        source.backup(live)
