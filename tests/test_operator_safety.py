"""Safe by default (issue 23): a wrong course folder or instance path takes nothing off the
site, backups refuse what is not an LMS database, production refuses risky shortcuts, and
what holds minors' data is created owner-only."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from authoring_support import SLUG, two_lessons_and_a_quiz
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from lms.courses.models import Course
from lms.db import db
from tests.conftest import DATA

QUIZ_COURSES = DATA / "packages" / "quiz-course"


def live_slugs() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Course.slug).where(Course.available)))


def test_sync_refuses_a_missing_folder_and_withdraws_nothing(
        runner: FlaskCliRunner, app: Flask, synced: None, tmp_path: Path) -> None:
    before = live_slugs()
    assert before
    missing = tmp_path / "typo"
    app.extensions["lms"].course_dirs = [missing]
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 1
    assert f"{missing}: no such folder (LMS_COURSE_DIRS)" in result.output
    assert "nothing was synced" in result.output
    assert live_slugs() == before


def test_sync_refuses_a_folder_without_courses(runner: FlaskCliRunner, app: Flask,
                                               synced: None, tmp_path: Path) -> None:
    before = live_slugs()
    (tmp_path / "empty" / "notes").mkdir(parents=True)
    app.extensions["lms"].course_dirs = [tmp_path / "empty"]
    result = runner.invoke(args=["courses", "sync", "--withdraw-missing"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty'}: holds no course package" in result.output
    assert live_slugs() == before


def test_courses_missing_from_the_folders_stay_live_unless_asked(
        runner: FlaskCliRunner, app: Flask, synced: None) -> None:
    app.extensions["lms"].course_dirs = [QUIZ_COURSES]
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert ("not found, left live (use --withdraw-missing to withdraw): sample-course"
            in result.output)
    assert live_slugs() == {"sample-course", "every-type"}

    result = runner.invoke(args=["courses", "sync", "--withdraw-missing"])
    assert result.exit_code == 0, result.output
    assert "withdrawn: sample-course" in result.output
    assert live_slugs() == {"every-type"}


def test_another_instance_path_never_withdraws_browser_courses(
        app: Flask, client, make_user, login, runner: FlaskCliRunner,  # type: ignore[no-untyped-def]
        tmp_path: Path) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    client.post(f"/author/courses/{SLUG}/publish", data={"note": ""})
    assert SLUG in live_slugs()
    app.instance_path = str(tmp_path / "wrong-instance")
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    # The published version is stored in the database, so this instance folder gets the
    # course back from it (lms.authoring's before_course_sync) instead of finding it missing.
    assert f"updated: {SLUG}" in result.output
    assert "withdrawn" not in result.output
    assert SLUG in live_slugs()
    assert any((tmp_path / "wrong-instance").rglob("course.md"))


def test_backup_refuses_a_database_without_the_lms_schema(tmp_path: Path) -> None:
    from tests.conftest import make_test_app

    source = tmp_path / "wrong" / "lms.sqlite3"
    source.parent.mkdir()
    target = tmp_path / "backups" / "lms.sqlite3"
    app = make_test_app("sqlite:///" + str(source), tmp_path)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        assert result.exit_code == 1
        assert f"{source}: no database there" in result.output
        assert "LMS_INSTANCE_PATH" in result.output
        assert not source.exists() and not target.exists()  # nothing created on either side

        source.touch()  # what a misconfigured run used to leave behind
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        assert result.exit_code == 1 and "holds no LMS database" in result.output
        assert not target.exists()
        db.engine.dispose()


def test_backups_are_owner_only(app: Flask, tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "sqlite":
        return  # PostgreSQL backups are pg_dump's (see the README)
    target = tmp_path / "new-folder" / "lms.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700


def test_new_instance_folder_and_database_are_owner_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lms import create_app

    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("LMS_ENV", raising=False)
    previous = os.umask(0o022)  # a common default, under which files are world-readable
    try:
        app = create_app()
        with app.app_context():
            with db.engine.connect() as connection:
                connection.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
                connection.commit()
            database = Path(db.engine.url.database or "")
            assert database.stat().st_mode & 0o777 == 0o600
            assert all(path.stat().st_mode & 0o777 == 0o600
                       for path in database.parent.glob("lms.sqlite3*"))  # -wal, -shm too
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert (tmp_path / "instance").stat().st_mode & 0o777 == 0o700


def test_production_requires_an_instance_path(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from lms import create_app
    from lms.config import ConfigError
    from lms.main import main

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("LMS_BASE_URL", "https://learn.example.org")
    monkeypatch.delenv("LMS_INSTANCE_PATH", raising=False)
    with pytest.raises(ConfigError, match="LMS_INSTANCE_PATH must be set in production"):
        create_app()
    result = CliRunner().invoke(main, ["db", "current"])
    assert result.exit_code == 2  # a configuration error, like any bad setting
    assert result.output.startswith("lms: LMS_INSTANCE_PATH must be set")  # no traceback

    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "lms"))
    assert create_app().instance_path == str(tmp_path / "lms")


def test_demo_accounts_are_refused_in_production(runner: FlaskCliRunner, app: Flask) -> None:
    from lms.auth.models import User

    app.config["LMS_ENV"] = "production"
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 1 and "refusing to create demo accounts" in result.output
    assert db.session.scalar(select(User.id)) is None


def test_postgres_backup_is_an_owner_only_pg_dump_of_the_configured_database(
        app: Flask, tmp_path: Path) -> None:
    if db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("pg_dump backups")
    target = tmp_path / "backups" / "lms.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    listing = subprocess.run(["pg_restore", "--list", str(target)], check=True,
                             capture_output=True, text=True).stdout
    assert "TABLE public lms_user" in listing and "TABLE public alembic_version" in listing


def test_postgres_backup_refuses_a_database_without_the_lms_schema(
        postgres_url: str | None, tmp_path: Path) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL unavailable")
    from tests.conftest import make_test_app

    empty = sa.make_url(postgres_url).set(database=f"lms_empty_{os.getpid()}")
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{empty.database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{empty.database}"'))
    try:
        app = make_test_app(empty.render_as_string(hide_password=False), tmp_path)
        target = tmp_path / "lms.dump"
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["backup", str(target)])
            db.engine.dispose()
        assert result.exit_code == 1 and "holds no LMS schema" in result.output
        assert not target.exists()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{empty.database}" WITH (FORCE)'))
        admin.dispose()
