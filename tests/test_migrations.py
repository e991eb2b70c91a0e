"""The migrations build the schema from nothing, take it down to nothing and build it again
on SQLite and PostgreSQL, and never drift from the models (``lms db check``)."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from lms.db import db


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_upgrade_downgrade_upgrade_then_check(app: Flask) -> None:
    db.session.remove()
    model_tables = {table.name for table in db.metadata.sorted_tables}
    upgrade()
    assert model_tables <= _tables()
    downgrade(revision="base")
    assert not _tables() & model_tables, "downgrade base left tables behind"
    upgrade()
    assert model_tables <= _tables()
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(scripts.get_heads()) == 1, f"several heads: {scripts.get_heads()}"
