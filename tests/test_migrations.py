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


def test_certificates_survive_0013_both_ways(app: Flask) -> None:
    """Issued certificates keep their rows through 0013; going back keeps the newest of a
    learner's certificates of a course (the old schema allowed one)."""
    from sqlalchemy import text

    db.session.remove()
    downgrade(revision="base")
    upgrade(revision="0012_user_active")
    insert_certificate = text(
        "INSERT INTO lms_certificate (code, user_id, course_id, course_slug, printed_name, "
        "course_title, course_version, language, completed_at, issued_at) VALUES "
        "(:code, 1, NULL, 'c', 'Ana', 'C', '1', 'en', :now, :now)")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO lms_user (id, username, password_hash, display_name, role, created_at, "
            "active) VALUES (1, 'ana', 'x', 'Ana', 'student', :now, :yes)"),
            {"now": "2026-01-01 00:00:00", "yes": True})
        connection.execute(insert_certificate, {"code": "AAAA-AAAA-AAAA",
                                                "now": "2026-01-01 00:00:00"})
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE lms_certificate SET reissued_at = issued_at"))
        connection.execute(insert_certificate, {"code": "BBBB-BBBB-BBBB",
                                                "now": "2026-01-02 00:00:00"})
    downgrade(revision="0012_user_active")
    with db.engine.connect() as connection:
        codes = connection.execute(text("SELECT code FROM lms_certificate")).scalars().all()
    assert codes == ["BBBB-BBBB-BBBB"]
    upgrade()
