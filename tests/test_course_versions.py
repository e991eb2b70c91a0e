"""New versions of a course: learners in progress keep theirs until they finish or move on."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from lms.auth.models import User
from lms.courses.models import Course, CourseRelease, Item
from lms.db import db, utcnow
from lms.progress.models import Enrollment, ItemCompletion
from lms.progress.services import mark_item_complete
from tests.conftest import SAMPLE_COURSES

LESSON = "/courses/sample-course/basics/first-lesson/"


@pytest.fixture
def package(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Path:
    """A copy of the sample course on disk, synced as release 1."""
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSES, root)
    app.extensions["lms"].course_dirs = [root]
    assert runner.invoke(args=["courses", "sync"]).exit_code == 0
    return root / "sample-course"


def publish_version_2(package: Path, runner: FlaskCliRunner) -> None:
    """Change a lesson, add one, and sync: release 2."""
    lesson = package / "01-basics" / "01-first-lesson.md"
    lesson.write_text(lesson.read_text().replace("Look at the chain:", "Look at the new chain:"))
    (package / "01-basics" / "03-added-later.md").write_text(
        "---\ntitle: Added later\nestimated_minutes: 5\n---\nA lesson of version 2.\n")
    course_md = package / "course.md"
    course_md.write_text(course_md.read_text().replace('version: "1.0"', 'version: "2.0"'))
    result = runner.invoke(args=["courses", "sync"])
    assert "updated: sample-course" in result.output, result.output


def course() -> Course:
    db.session.expire_all()
    found = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    assert found is not None
    return found


def required_item_ids() -> list[int]:
    return list(db.session.scalars(select(Item.id).where(Item.required, Item.available)))


def test_unchanged_sync_makes_no_new_release(package: Path, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["courses", "sync"])
    assert course().current_release == 1
    assert db.session.scalar(select(func.count(CourseRelease.id))) == 1


def test_learner_in_progress_keeps_the_version_they_started(
    package: Path, runner: FlaskCliRunner, client, make_user: Callable[..., User],  # type: ignore[no-untyped-def]
    login: Callable[[User], None], app: Flask,
) -> None:
    learner = make_user()
    login(learner)
    assert client.post(LESSON + "complete").status_code == 302
    publish_version_2(package, runner)
    assert course().current_release == 2

    old = client.get(LESSON).text
    assert "Look at the chain:" in old and "Look at the new chain:" not in old
    page = client.get("/courses/sample-course/").text
    assert "Added later" not in page
    assert "A new version of this course has been published" in page

    newcomer = app.test_client()
    newcomer.post("/account/login", data={"login": make_user().username,
                                           "password": "password123"})
    assert "Look at the new chain:" in newcomer.get(LESSON).text
    assert "Added later" in newcomer.get("/courses/sample-course/").text

    completion = db.session.scalar(select(ItemCompletion).where(
        ItemCompletion.user_id == learner.id))
    assert completion is not None and completion.release == 1


def test_finishing_the_old_version_completes_the_course(
    package: Path, runner: FlaskCliRunner, make_user: Callable[..., User],
) -> None:
    learner = make_user()
    first_items = required_item_ids()
    mark_item_complete(learner.id, first_items[0], now=utcnow())
    publish_version_2(package, runner)
    for item_id in first_items[1:]:
        mark_item_complete(learner.id, item_id, now=utcnow())
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment is not None and enrollment.completed_at is not None
    assert enrollment.release == 1


def test_moving_to_the_new_version_keeps_progress(
    package: Path, runner: FlaskCliRunner, client, make_user: Callable[..., User],  # type: ignore[no-untyped-def]
    login: Callable[[User], None],
) -> None:
    learner = make_user()
    login(learner)
    client.post(LESSON + "complete")
    publish_version_2(package, runner)
    assert client.post("/courses/sample-course/move-to-latest").status_code == 302
    page = client.get("/courses/sample-course/").text
    assert "A new version" not in page and "Added later" in page
    assert "You have completed this page." in client.get(LESSON).text
    assert "Look at the new chain:" in client.get(LESSON).text


def test_trainer_moves_every_learner_in_progress(
    package: Path, runner: FlaskCliRunner, make_user: Callable[..., User],
) -> None:
    learners = [make_user() for _ in range(3)]
    for learner in learners:
        mark_item_complete(learner.id, required_item_ids()[0], now=utcnow())
    publish_version_2(package, runner)
    result = runner.invoke(args=["courses", "move-learners", "sample-course"])
    assert result.exit_code == 0 and "3 learner(s) now follow version 2.0" in result.output
    releases = set(db.session.scalars(select(Enrollment.release)))
    assert releases == {2}
    assert runner.invoke(args=["courses", "move-learners", "nope"]).exit_code == 1


def test_rerender_rewrites_html_without_a_new_release(
    package: Path, runner: FlaskCliRunner, app: Flask,
) -> None:
    from lms.courses.models import ItemText

    text = db.session.scalar(select(ItemText).where(ItemText.html.contains("Look at the chain")))
    assert text is not None
    text.html = "<p>rendered by an older LMS</p>"
    db.session.commit()
    result = runner.invoke(args=["courses", "sync", "--rerender"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert "Look at the chain" in db.session.get(ItemText, text.id).html
    assert course().current_release == 1


def test_teacher_pages_show_current_titles_after_a_revert(
    package: Path, runner: FlaskCliRunner, app: Flask,
) -> None:
    """Texts of every version are kept; class pages must pick the current one, not any."""
    from lms.classes.queries import load_courses

    lesson = package / "01-basics" / "01-first-lesson.md"
    original = lesson.read_text()
    lesson.write_text(original.replace("title: Follow the money", "title: Follow the cash"))
    runner.invoke(args=["courses", "sync"])
    lesson.write_text(original)  # back to the first version's exact bytes
    runner.invoke(args=["courses", "sync"])
    assert course().current_release == 3
    info = load_courses([course().id], "en")[course().id]
    titles = [item.title for module in info.modules for item in module.items]
    assert "Follow the money" in titles and "Follow the cash" not in titles
