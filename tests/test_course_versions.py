"""New versions of a course: learners in progress keep theirs until they finish or move on."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from querycount import count_queries
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from lms.auth.models import User
from lms.courses.models import Course, CourseRelease, Item, ReleaseItem
from lms.db import db, utcnow
from lms.progress.models import Enrollment, ItemCompletion
from lms.progress.services import mark_item_complete
from lms.quizzes.models import QuizAttempt
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


# --- quiz settings follow the release ----------------------------------------------------

CHECK = "/courses/sample-course/basics/check/"


def set_quiz(package: Path, runner: FlaskCliRunner, *, pass_mark: int, attempts: int,
             statement: str = "Statement") -> None:
    """Make the sample quiz ten true statements with these settings, and sync: a new release."""
    basics = package / "01-basics"
    (basics / "02-check.quiz.it.md").unlink(missing_ok=True)
    questions = "".join(f"## {statement} {n} is true.\nType: true-false\nAnswer: true\n\n"
                        for n in range(1, 11))
    (basics / "02-check.quiz.md").write_text(
        f"---\ntitle: Check your understanding\npass_mark: {pass_mark}\nattempts: {attempts}\n"
        f"---\n{questions}")
    result = runner.invoke(args=["courses", "sync"])
    assert "updated: sample-course" in result.output, result.output


def logged_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    client.post("/account/login", data={"login": user.username, "password": "password123"})
    return client


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def post_answers(client: FlaskClient, page: str, user: User, right: int) -> TestResponse:
    """Post the quiz form ``page`` with ``right`` of its ten statements answered right."""
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.submitted_at.is_(None)))
    assert attempt is not None
    data = MultiDict([("attempt", hidden(page, "attempt")), ("token", hidden(page, "token"))])
    for n, question in enumerate(attempt.questions):
        data.add(question["key"], "true" if n < right else "false")
    return client.post(CHECK + "quiz", data=data)


def score(client: FlaskClient, user: User, right: int) -> TestResponse:
    """Open the quiz and answer ``right`` of ten statements right (ten points each)."""
    return post_answers(client, client.get(CHECK).text, user, right)


def last_attempt(user: User) -> QuizAttempt:
    db.session.expire_all()
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                .order_by(QuizAttempt.number.desc()).limit(1))
    assert attempt is not None
    return attempt


def test_pinned_learner_is_graded_by_the_pass_mark_of_their_release(
    package: Path, runner: FlaskCliRunner, app: Flask, make_user: Callable[..., User],
) -> None:
    set_quiz(package, runner, pass_mark=60, attempts=0)
    pinned = make_user()
    early = logged_in(app, pinned)
    assert "Pass mark: 60%" in early.get(CHECK).text  # the first visit pins release 2
    set_quiz(package, runner, pass_mark=80, attempts=0)  # the trainer raises the pass mark
    assert course().current_release == 3

    assert "Pass mark: 60%" in early.get(CHECK).text
    response = score(early, pinned, 7)
    attempt = last_attempt(pinned)
    assert attempt.score_percent == 70 and attempt.passed
    result = early.get(response.headers["Location"]).text
    assert "Your result: 70%" in result and "Well done: the pass mark is 60%." in result
    assert db.session.scalar(select(ItemCompletion).where(
        ItemCompletion.user_id == pinned.id, ItemCompletion.item_id == attempt.item_id))

    newcomer = make_user()
    late = logged_in(app, newcomer)
    assert "Pass mark: 80%" in late.get(CHECK).text
    response = score(late, newcomer, 7)
    attempt = last_attempt(newcomer)
    assert attempt.score_percent == 70 and not attempt.passed
    assert "You need 80% to pass." in late.get(response.headers["Location"]).text
    assert "quiz not passed: 70% of 80%" in late.get("/courses/sample-course/").text


def test_pass_mark_and_attempts_follow_the_learner_to_the_new_version(
    package: Path, runner: FlaskCliRunner, app: Flask, make_user: Callable[..., User],
) -> None:
    set_quiz(package, runner, pass_mark=60, attempts=1)
    learner = make_user()
    client = logged_in(app, learner)
    client.get(CHECK)
    set_quiz(package, runner, pass_mark=80, attempts=3)

    page = client.get(CHECK).text
    assert "Pass mark: 60%" in page and "1 attempt allowed" in page
    response = score(client, learner, 5)
    result = client.get(response.headers["Location"]).text
    assert "You need 60% to pass." in result and "0 attempts left" in result
    assert "quiz not passed: 50% of 60%" in client.get("/courses/sample-course/").text
    exhausted = client.get(CHECK).text
    assert "You have used all 1 attempts at this quiz." in exhausted
    assert 'name="token"' not in exhausted

    assert client.post("/courses/sample-course/move-to-latest").status_code == 302
    page = client.get(CHECK).text
    assert "Pass mark: 80%" in page and "3 attempts allowed" in page
    assert "You have 2 attempts left." in page and 'name="token"' in page
    assert "quiz not passed: 50% of 80%" in client.get("/courses/sample-course/").text


def test_attempt_opened_before_moving_is_graded_by_what_it_showed(
    package: Path, runner: FlaskCliRunner, app: Flask, make_user: Callable[..., User],
) -> None:
    set_quiz(package, runner, pass_mark=60, attempts=0)
    learner = make_user()
    client = logged_in(app, learner)
    form = client.get(CHECK).text
    assert "Statement 1 is true." in form
    set_quiz(package, runner, pass_mark=80, attempts=0, statement="Claim")
    # The learner moves to the new version (in another tab) and sends the form still open.
    assert client.post("/courses/sample-course/move-to-latest").status_code == 302
    response = post_answers(client, form, learner, 7)
    assert response.headers["Location"].endswith("/attempts/1")
    attempt = last_attempt(learner)
    assert attempt.score_percent == 70 and attempt.passed
    result = client.get(response.headers["Location"]).text
    assert ("Well done: this attempt reached the pass mark of the version it was answered "
            "in (60%). The version you follow now asks 80%.") in result
    assert "Statement 1 is true." in result
    # The next attempt is the new version's, with its pass mark.
    page = client.get(CHECK).text
    assert "Claim 1 is true." in page and "Pass mark: 80%" in page


def queries_for(client: FlaskClient, url: str) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_quiz_page_of_a_pinned_learner_costs_no_extra_queries(
    package: Path, runner: FlaskCliRunner, app: Flask, make_user: Callable[..., User],
) -> None:
    set_quiz(package, runner, pass_mark=60, attempts=0)
    pinned = logged_in(app, make_user())
    pinned.get(CHECK)
    set_quiz(package, runner, pass_mark=80, attempts=0)
    current = logged_in(app, make_user())
    counts = []
    for client in (pinned, current):
        client.get(CHECK)  # enrols the newcomer and opens both attempts
        counts.append(queries_for(client, CHECK))
    assert counts[0] == counts[1], counts


def test_migration_gives_existing_release_items_their_quiz_settings(
    package: Path, app: Flask,
) -> None:
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="0008_course_releases")
    upgrade()
    rows = db.session.execute(select(ReleaseItem.quiz_settings, Item.quiz_settings, Item.kind)
                              .join(Item, Item.id == ReleaseItem.item_id)).all()
    assert {kind for _, _, kind in rows} == {"lesson", "quiz"}
    assert all(released == current for released, current, _ in rows)
    assert all(released for released, _, kind in rows if kind == "quiz")


def test_catalogue_shows_the_same_percentage_as_the_course_page_for_a_pinned_learner(
    package: Path, runner: FlaskCliRunner, client: FlaskClient,
    make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    def percents() -> tuple[str, str]:
        course_page = re.search(r"(\d+)% of the course done",
                                client.get("/courses/sample-course/").text)
        catalogue = re.search(r"(\d+)%", client.get("/courses/").text.split(
            'href="/courses/sample-course/"', 1)[1])
        assert course_page and catalogue
        return course_page.group(1), catalogue.group(1)

    login(make_user())
    client.post(LESSON + "complete")
    before = percents()
    assert before[0] == before[1]
    publish_version_2(package, runner)  # one more lesson, which the learner's version lacks
    assert percents() == before
    assert client.post("/courses/sample-course/move-to-latest").status_code == 302
    after = percents()
    assert after[0] == after[1] and int(after[0]) < int(before[0])
