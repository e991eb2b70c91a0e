"""``/healthz``: 200 only when the database is there at the current migration head."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from lms.db import db
from lms.maintenance.schema import expected_heads
from tests.conftest import make_test_app


@contextmanager
def changed(statement: str, undo: str) -> Iterator[None]:
    """Run ``statement`` on the test database, and ``undo`` afterwards whatever happens
    (the PostgreSQL schema is shared by the session's tests)."""
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text(statement))
    try:
        yield
    finally:
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text(undo))


def test_healthy_at_the_migration_head(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_database_behind_the_head_is_unhealthy(app: Flask, client: FlaskClient) -> None:
    head, = expected_heads()
    with changed("UPDATE alembic_version SET version_num = '0001_old'",
                 f"UPDATE alembic_version SET version_num = '{head}'"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error",
                             "database": f"schema at 0001_old, expected {head}"}
    assert client.get("/healthz").status_code == 200


def test_an_unmigrated_database_is_unhealthy(app: Flask, client: FlaskClient) -> None:
    with changed("ALTER TABLE alembic_version RENAME TO alembic_version_away",
                 "ALTER TABLE alembic_version_away RENAME TO alembic_version"):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "error", "database": "not migrated"}
        # The failed query leaves the session usable (PostgreSQL aborts the transaction).
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_missing_sqlite_file_is_unhealthy_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite3"
    app = make_test_app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        assert app.test_client().get("/healthz").status_code == 200
        db.session.remove()
        # A pooled connection to the deleted file would still answer: the file is checked.
        for leftover in tmp_path.glob("gone.sqlite3*"):
            leftover.unlink()
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "error", "database": "database file missing"}
        assert not path.exists()
        db.engine.dispose()
        response = app.test_client().get("/healthz")
        assert response.status_code == 503 and not path.exists()


def test_an_empty_sqlite_file_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    app = make_test_app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "error", "database": "not migrated"}
        db.session.remove()
        db.engine.dispose()
