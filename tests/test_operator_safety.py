"""Safe by default (issue 23): a wrong course folder or instance path takes nothing off the
site, backups refuse what is not an LMS database, production refuses risky shortcuts, and
what holds minors' data is created owner-only."""

from __future__ import annotations

from pathlib import Path

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
    assert f"{missing}:0: no such folder (LMS_COURSE_DIRS)" in result.output
    assert "nothing was synced" in result.output
    assert live_slugs() == before


def test_sync_refuses_a_folder_without_courses(runner: FlaskCliRunner, app: Flask,
                                               synced: None, tmp_path: Path) -> None:
    before = live_slugs()
    (tmp_path / "empty" / "notes").mkdir(parents=True)
    app.extensions["lms"].course_dirs = [tmp_path / "empty"]
    result = runner.invoke(args=["courses", "sync", "--withdraw-missing"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty'}:0: holds no course package" in result.output
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
    assert f"left live (use --withdraw-missing to withdraw): {SLUG}" in result.output
    assert SLUG in live_slugs()
