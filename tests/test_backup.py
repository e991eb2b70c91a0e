"""``lms backup`` / ``lms restore``: every table round-trips on SQLite; a PostgreSQL restore
is pointed to pg_restore."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from security_world import build_world
from sqlalchemy import select

from lms.db import db


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (alembic_version included), in primary-key order."""
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            tables[table.name] = [tuple(row) for row in rows]
        tables["alembic_version"] = [tuple(row) for row in connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version")]
    return tables


def test_round_trip_of_every_table(app: Flask, tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        # `lms backup` runs pg_dump (tests/test_operator_safety.py); restoring is pg_restore's.
        assert "pg_restore" in app.test_cli_runner().invoke(
            args=["restore", __file__, "--yes"]).output
        return
    build_world(app)
    before = snapshot()
    empty = [name for name, rows in before.items() if not rows]
    # Every table but the authoring ones the world does not fill holds rows.
    assert len(empty) < len(before) // 2, empty
    runner = app.test_cli_runner()
    target = tmp_path / "backups" / "lms.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["backup", str(target)]).exit_code == 1  # never overwrites

    with db.engine.begin() as connection:  # lose everything
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    assert snapshot() != before

    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code == 1 and snapshot() != before
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert snapshot() == before


def test_backup_while_writing_is_consistent(app: Flask, tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's online backup")
    build_world(app)
    with db.engine.connect() as writer:  # an open write transaction in another connection
        writer.exec_driver_sql("UPDATE lms_user SET display_name = 'uncommitted'")
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.db")])
        writer.rollback()
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(tmp_path / "b.db")) as copy:
        names = {row[0] for row in copy.execute("SELECT display_name FROM lms_user")}
    assert "uncommitted" not in names and len(names) > 1


@pytest.mark.parametrize("content", [b"", b"hello, not a database", None])
def test_restore_refuses_what_is_not_an_lms_backup(app: Flask, tmp_path: Path,
                                                   content: bytes | None) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    path = tmp_path / "other.db"
    if content is None:  # a real SQLite database, but not ours
        with closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
            other.commit()
    else:
        path.write_bytes(content)
    build_world(app)
    before = snapshot()
    result = app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 1
    assert "not an" in result.output
    assert snapshot() == before


def test_restore_refuses_a_newer_schema(app: Flask, tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    target = tmp_path / "lms.db"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with closing(sqlite3.connect(target)) as copy:
        copy.execute("UPDATE alembic_version SET version_num = '9999_future'")
        copy.commit()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1 and "newer version" in result.output


def _backup(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "lms-backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _refused(app: Flask, path: Path, *expected: str) -> None:
    before = snapshot()
    result = app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"{path}: "), result.output
    for text in expected:
        assert text in result.output, result.output
    assert snapshot() == before


def test_restore_refuses_a_stub_with_only_the_version_and_users(app: Flask,
                                                                tmp_path: Path) -> None:
    """20 tables must not become 2: a file lacking any table of its schema is refused."""
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    build_world(app)
    head = snapshot()["alembic_version"][0][0]
    stub = tmp_path / "stub.sqlite3"
    with closing(sqlite3.connect(stub)) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (head,))
        connection.execute("CREATE TABLE lms_user (id INTEGER PRIMARY KEY)")
        connection.commit()
    _refused(app, stub, "not a complete LMS backup", "missing", "lms_certificate")


def test_restore_refuses_a_backup_missing_one_table_or_column(app: Flask,
                                                             tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    build_world(app)
    backup = _backup(app, tmp_path)
    with closing(sqlite3.connect(backup)) as copy:
        copy.execute("PRAGMA foreign_keys=OFF")
        copy.execute("DROP TABLE lms_quiz_attempt")
        copy.commit()
    _refused(app, backup, "missing lms_quiz_attempt")
    backup.unlink()
    backup = _backup(app, tmp_path)
    with closing(sqlite3.connect(backup)) as copy:
        copy.execute("ALTER TABLE lms_user DROP COLUMN language")
        copy.commit()
    _refused(app, backup, "missing lms_user.language")


def test_restore_refuses_an_unknown_revision(app: Flask, tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    backup = _backup(app, tmp_path)
    with closing(sqlite3.connect(backup)) as copy:
        copy.execute("UPDATE alembic_version SET version_num = 'not-ours'")
        copy.commit()
    _refused(app, backup, "schema not-ours is not one this version of the LMS knows")


def test_restore_accepts_a_complete_backup_of_an_older_schema(app: Flask,
                                                             tmp_path: Path) -> None:
    """An older backup lacks the tables added since: it is compared with the schema the
    migrations built at its own revision, not with today's."""
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    from flask_migrate import downgrade, upgrade

    from lms.maintenance.schema import read_schema, schema_at, scripts

    tree = scripts()
    head, = tree.get_heads()
    first = tree.get_revision(head)
    while first.down_revision is not None:  # the oldest revision: fewest tables
        first = tree.get_revision(first.down_revision)
    with db.engine.connect() as connection:
        assert schema_at(tree, head) == read_schema(connection)  # the migrations = the models
    assert len(schema_at(tree, first.revision)) < len(schema_at(tree, head))
    db.session.remove()
    try:
        downgrade(revision=first.revision)
        backup = _backup(app, tmp_path)
    finally:
        upgrade()
    result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "older schema" in result.output
    upgrade()
