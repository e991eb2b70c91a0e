"""The one SQLAlchemy instance and declarative base every LMS model uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator
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


def init_migrations(app: Flask) -> None:
    """Flask-Migrate on ``app`` with the LMS's Alembic tree (once; a host's own setup wins).

    Called when migrations are needed (``lms db …``, tests, restores), not at start-up:
    importing Alembic takes a tenth of a second that no web worker needs.
    """
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from lms.extension import migrations_dir

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
