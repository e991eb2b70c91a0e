"""The one SQLAlchemy instance and declarative base every LMS model uses."""

from __future__ import annotations

import contextlib
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, registry

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zones: values come back naive, so we store UTC and re-attach it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON},
    )


db = SQLAlchemy(model_class=Base)

log = logging.getLogger(__name__)


def use_sqlite_pragmas(app: Flask) -> None:
    """Set the LMS's pragmas on every new connection of ``app``'s SQLite engines (only
    those: other engines in the process, a host's own included, are left alone)."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite" and not event.contains(
                engine, "connect", _sqlite_pragmas):
            event.listen(engine, "do_connect", _owner_only_sqlite_file)
            event.listen(engine, "connect", _sqlite_pragmas)


def _owner_only_sqlite_file(dialect: Any, connection_record: Any, cargs: Any,
                            cparams: Any) -> None:
    """Create a new SQLite database file owner-only (0600) before SQLite creates it with the
    umask's mode: it holds minors' data. SQLite gives its -wal and -shm files the same mode."""
    database = str(cargs[0]) if cargs else str(cparams.get("database", ""))
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir() and not path.exists():
        with contextlib.suppress(FileExistsError):  # another worker was first
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL for concurrent readers, enforced foreign keys, waiting instead of failing on
    locks, and deleted content overwritten instead of left in free space."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still crash-safe (no corruption) and skips an fsync per commit;
    # a power cut may lose the last few commits, never the database.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Erased personal data (a deleted account's name, email, reflections) must not stay
    # readable in freed pages or cells of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def checkpoint_sqlite() -> None:
    """Copy the WAL into the database file and truncate it, so text just erased is gone
    from every file at once (otherwise old frames keep it until the next checkpoint).

    Waits (busy timeout) for readers of older snapshots; if some stay, says so in the log:
    the next automatic checkpoint completes the job.
    """
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("the WAL could not be checkpointed now (readers busy); "
                    "the next checkpoint will")


def init_migrations(app: Flask) -> None:
    """Flask-Migrate on ``app`` with the LMS's Alembic tree (once; a host's own setup wins).

    Called when migrations are needed (``lms db …``, tests, restores), not at start-up:
    importing Alembic takes a tenth of a second that no web worker needs.
    """
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from lms.config import migrations_dir

    Migrate(app, db, directory=str(migrations_dir()), render_as_batch=True, compare_type=True)


class MigrationCommands(click.Group):
    """``lms db …``: Flask-Migrate's own ``db`` group, set up when it is first used.

    Stands in for that group in the command list; when invoked, the real group (with its
    options and callback) parses the arguments and runs.
    """

    @staticmethod
    def _commands(ctx: click.Context | None) -> click.Group:
        from flask.cli import ScriptInfo
        from flask_migrate.cli import db as commands

        info = ctx.find_object(ScriptInfo) if ctx is not None else None
        init_migrations(info.load_app() if info is not None else current_app)
        return commands

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        return self._commands(parent).make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._commands(ctx).get_command(ctx, cmd_name)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
