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
