"""The schema this version of the LMS expects: the Alembic head(s), and the tables and columns
the migrations build up to any known revision.

Alembic is imported only when one of these is called (a health check, a restore), never at
start-up.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

#: Table and column names, by table.
Schema = dict[str, frozenset[str]]


def scripts(directory: str | None = None) -> ScriptDirectory:
    """The LMS's Alembic tree (``directory`` defaults to the one shipped with the package)."""
    from alembic.script import ScriptDirectory

    from lms.config import migrations_dir

    return ScriptDirectory(directory or str(migrations_dir()))


@cache
def expected_heads(directory: str | None = None) -> frozenset[str]:
    """The revision(s) a current database records, read once per process: the health check
    must stay one query."""
    return frozenset(scripts(directory).get_heads())


def is_known(script_directory: ScriptDirectory, revision: str) -> bool:
    """Whether ``revision`` is one of this version's migrations."""
    try:
        return script_directory.get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown or malformed revisions
        return False


def schema_at(script_directory: ScriptDirectory, revision: str) -> Schema:
    """The tables and columns the real migrations create up to ``revision``.

    Built by running them into a throwaway in-memory SQLite database: an older backup
    legitimately lacks the tables added since, so comparing it with today's models alone
    would refuse it.
    """
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext

    def upgrade(rev: object, context: object) -> object:
        return script_directory._upgrade_revs(revision, rev)  # noqa: SLF001 (alembic's own walk)

    engine = sa.create_engine("sqlite://")
    quiet = logging.getLogger("alembic")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # "Running upgrade …" for every step is noise here
    try:
        with engine.connect() as connection, EnvironmentContext(
            Config(), script_directory, fn=upgrade, destination_rev=revision,
        ) as environment:
            environment.configure(connection=connection, render_as_batch=True)
            with environment.begin_transaction():
                environment.run_migrations()
            return read_schema(connection)
    finally:
        quiet.setLevel(level)
        engine.dispose()


def read_schema(connection: sa.Connection) -> Schema:
    """The tables and columns of a database (Alembic's own table left out)."""
    inspector = sa.inspect(connection)
    return {table: frozenset(column["name"] for column in inspector.get_columns(table))
            for table in inspector.get_table_names() if table != "alembic_version"}


def missing_from(found: Schema, expected: Schema) -> list[str]:
    """What ``expected`` has and ``found`` lacks: ``table`` or ``table.column``, sorted."""
    missing = []
    for table, columns in sorted(expected.items()):
        if table not in found:
            missing.append(table)
        else:
            missing.extend(f"{table}.{column}" for column in sorted(columns - found[table]))
    return missing
