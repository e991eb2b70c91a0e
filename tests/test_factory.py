"""The app factory, configuration and the extension's mounting contract."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask

from lms import LMS, create_app
from lms.config import ConfigError


def test_standalone_defaults_to_sqlite_in_instance_folder(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        tmp_path / "inst" / "lms.sqlite3")
    assert isinstance(app.extensions["lms"].course_dirs, list)


def test_secret_key_generated_once_and_kept(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_BASE_URL", "https://learn.example.org")
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        create_app()
    monkeypatch.setenv("LMS_SECRET_KEY", "a-real-secret-from-the-environment")
    assert create_app().config["SECRET_KEY"] == "a-real-secret-from-the-environment"


def test_postgres_url_uses_psycopg3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql://lms@db.example/lms")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lms@db.example/lms"


def test_double_registration_is_refused(tmp_path: Path) -> None:
    host = Flask("host", instance_path=str(tmp_path / "host-instance"))
    extension = LMS()
    extension.init_app(host, url_prefix="/learn", config={"SECRET_KEY": "x"})
    assert "lms" in host.extensions and host.extensions["lms"].url_prefix == "/learn"
    with pytest.raises(RuntimeError, match="already registered"):
        extension.init_app(host, url_prefix="/again")


def test_sqlite_connections_use_wal_and_foreign_keys(app: Flask) -> None:
    from sqlalchemy import text

    from lms.db import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_healthz_checks_the_database(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_connections_are_pinged_on_a_server_database_only(tmp_path: Path) -> None:
    from lms.config import load_config

    sqlite_app = Flask(__name__, instance_path=str(tmp_path))
    load_config(sqlite_app, {"LMS_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                             "SECRET_KEY": "k"})
    assert "pool_pre_ping" not in sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    server_app = Flask(__name__, instance_path=str(tmp_path))
    load_config(server_app, {"LMS_DATABASE_URL": "postgresql://localhost/lms", "SECRET_KEY": "k"})
    assert server_app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


def test_starting_the_web_app_leaves_alembic_unloaded(tmp_path: Path) -> None:
    """Migrations are set up when `lms db …` (or a test) needs them: importing Alembic is a
    tenth of a second that no web worker should pay at start-up."""
    import subprocess
    import sys

    code = ("import sys; from lms import create_app; create_app(); "
            "print(sorted(m for m in ('alembic', 'flask_migrate') if m in sys.modules))")
    env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp_path)}
    env.pop("LMS_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_db_commands_set_up_migrations_when_used(tmp_path: Path) -> None:
    app = create_app({"SECRET_KEY": "k", "LMS_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"})
    assert "migrate" not in app.extensions
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert "migrate" in app.extensions
    with app.app_context():
        from sqlalchemy import text

        from lms.db import db

        assert db.session.scalar(text("SELECT version_num FROM alembic_version"))
