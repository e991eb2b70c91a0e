"""The ``lms`` command as trainers and admins use it."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from lms.auth.models import User
from lms.courses.models import Course, ItemText
from lms.db import db
from tests.conftest import DATA, SAMPLE_COURSES

BROKEN = DATA / "packages" / "broken"


def test_check_good_package_exits_zero(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["courses", "check", str(SAMPLE_COURSES)])
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output


def test_check_reports_path_line_message_and_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["courses", "check", str(BROKEN / "missing-title")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ".md:" in line]
    assert lines and all(line.startswith(str(BROKEN / "missing-title")) for line in lines)
    assert "error(s)" in result.output


def test_shipped_courses_are_clean(runner: FlaskCliRunner) -> None:
    courses = Path(__file__).parent.parent / "courses"
    result = runner.invoke(args=["courses", "check", str(courses)])
    assert result.exit_code == 0, result.output


def test_sync_reports_changes_and_skips_unchanged(runner: FlaskCliRunner, app: Flask) -> None:
    first = runner.invoke(args=["courses", "sync"])
    assert first.exit_code == 0, first.output
    assert "added: sample-course" in first.output
    second = runner.invoke(args=["courses", "sync"])
    assert "unchanged: sample-course" in second.output
    assert "0 page(s) written" in second.output


def test_sync_rewrites_only_the_changed_lesson(runner: FlaskCliRunner, app: Flask,
                                               tmp_path: Path) -> None:
    copy = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSES, copy)
    app.extensions["lms"].course_dirs = [copy]
    runner.invoke(args=["courses", "sync"])
    lesson = copy / "sample-course" / "01-basics" / "01-first-lesson.md"
    lesson.write_text(lesson.read_text().replace("Look at the chain:", "Look closely:"))
    result = runner.invoke(args=["courses", "sync"])
    assert "updated: sample-course" in result.output
    assert "1 page(s) written" in result.output
    assert db.session.scalar(
        select(func.count()).where(ItemText.html.contains("Look closely:"))) == 1


def test_sync_with_a_broken_package_writes_nothing(runner: FlaskCliRunner, app: Flask,
                                                   tmp_path: Path) -> None:
    copy = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSES / "sample-course", copy / "sample-course")
    shutil.copytree(BROKEN / "bad-yaml", copy / "bad-yaml")
    app.extensions["lms"].course_dirs = [copy]
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 1
    assert "nothing was synced" in result.output
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_users_create_and_duplicate(runner: FlaskCliRunner, app: Flask) -> None:
    args = ["users", "create", "--username", "maria", "--name", "Maria Rossi",
            "--role", "trainer", "--password", "long enough"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "cannot create 'maria'" in again.output
    short = runner.invoke(args=[*args[:-1], "short"])
    assert short.exit_code == 2 and "at least 8 characters" in short.output
    assert db.session.scalar(select(User.role).where(User.username == "maria")) == "trainer"


def test_demo_accounts_only_on_a_fresh_database(runner: FlaskCliRunner, app: Flask) -> None:
    first = runner.invoke(args=["users", "demo"])
    assert "student" in first.output and "demo-password" in first.output
    assert db.session.scalar(select(func.count(User.id))) == 4
    second = runner.invoke(args=["users", "demo"])
    assert "accounts exist already" in second.output


def test_models_and_migrations_agree(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
