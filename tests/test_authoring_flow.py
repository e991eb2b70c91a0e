"""The trainer's whole path: create, preview, publish, a learner learns, edit, republish,
export and import (issue 8, "Done when")."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from authoring_support import (
    LESSON,
    LESSON_TEXT,
    QUIZ,
    SLUG,
    draft_root,
    edit_url,
    field,
    save,
    two_lessons_and_a_quiz,
)
from flask import Flask
from sqlalchemy import delete, select

from lms.authoring.models import CourseAuthor, CourseVersion, Draft
from lms.courses.models import Course, Item
from lms.db import db
from lms.progress.models import ItemCompletion
from lms.quizzes.models import QuizAttempt


def learner_client(app: Flask, user: object) -> object:
    client = app.test_client()
    response = client.post("/account/login", data={"login": user.username,
                                                   "password": "password123"})
    assert response.status_code == 302
    return client


def test_done_when(app: Flask, client, make_user, login) -> None:
    trainer = make_user(role="trainer")
    login(trainer)
    two_lessons_and_a_quiz(client)
    root = draft_root(app)
    assert sorted(p.name for p in (root / "01-introduction").iterdir()) == [
        "01-first-lesson.md", "02-who-owns-a-river.md", "03-check.quiz.md", "module.md"]
    owner = db.session.scalar(select(CourseAuthor))
    assert (owner.course_slug, owner.user_id, owner.role) == (SLUG, trainer.id, "owner")

    # Preview (no JavaScript: the Preview button) shows the page and writes nothing.
    before = (root / LESSON).read_bytes()
    page = client.get(edit_url(LESSON)).text
    response = client.post(edit_url(LESSON), data={
        "text": LESSON_TEXT.replace("human right", "**human right**"),
        "base_hash": field(page, "base_hash"), "action": "preview"})
    assert response.status_code == 200
    assert "<strong>human right</strong>" in response.text
    assert (root / LESSON).read_bytes() == before
    # The script's endpoint returns the same preview as a fragment.
    fragment = client.post(f"/author/courses/{SLUG}/preview/{QUIZ}",
                           data={"text": (root / QUIZ).read_text()})
    assert "The right option" in fragment.text and "<html" not in fragment.text

    # Publish version 1.
    response = client.post(f"/author/courses/{SLUG}/publish", data={"note": "First edition"},
                           follow_redirects=True)
    assert "Published as version 1." in response.text, response.text
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert course.available
    assert Path(course.source_dir) == (Path(app.instance_path) / "authoring" / "published"
                                       / SLUG).resolve()
    version = db.session.scalar(select(CourseVersion))
    assert (version.number, version.label, version.note) == (1, "1.0", "First edition")
    assert version.course_id == course.id and version.published_by_id == trainer.id
    assert zipfile.ZipFile(io.BytesIO(version.package)).read(f"{SLUG}/{LESSON}") == \
        (root / LESSON).read_bytes()

    # A learner completes the first lesson and tries the quiz.
    student = make_user(role="student")
    learner = learner_client(app, student)
    assert "Water is a right" in learner.get(f"/courses/{SLUG}/introduction/first-lesson/").text
    assert learner.post(f"/courses/{SLUG}/introduction/first-lesson/complete").status_code == 302
    quiz_page = learner.get(f"/courses/{SLUG}/introduction/check/").text
    response = learner.post(f"/courses/{SLUG}/introduction/check/quiz", data={
        "attempt": field(quiz_page, "attempt"), "token": field(quiz_page, "token"),
        "q1": "o2"})
    assert response.status_code == 302
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.submitted_at is not None
    first_questions = attempt.questions

    # The trainer edits a lesson and the quiz, moves the quiz up, and republishes.
    assert save(client, LESSON, LESSON_TEXT.replace("In 2010", "On 28 July 2010")
                ).status_code == 302
    quiz = (root / QUIZ).read_text().replace("Write the first question here",
                                             "Is water a human right?")
    assert save(client, QUIZ, quiz).status_code == 302
    assert client.post(f"/author/courses/{SLUG}/move",
                       data={"rel": QUIZ, "direction": "up"}).status_code == 302
    assert (root / "01-introduction" / "02-check.quiz.md").is_file()
    assert (root / "01-introduction" / "03-who-owns-a-river.md").is_file()
    response = client.post(f"/author/courses/{SLUG}/publish", data={"note": "Dates"})
    assert response.status_code == 302
    assert [v.number for v in db.session.scalars(select(CourseVersion))] == [1, 2]

    # The learner's completed lesson and earlier attempt are intact. They stay on the
    # version they started, until they choose to move to the new one.
    db.session.expire_all()
    lesson = db.session.scalar(select(Item).where(Item.slug == "first-lesson"))
    assert db.session.scalar(select(ItemCompletion).where(
        ItemCompletion.user_id == student.id, ItemCompletion.item_id == lesson.id))
    kept = db.session.scalar(select(QuizAttempt))
    assert kept.id == attempt.id and kept.questions == first_questions
    pinned = learner.get(f"/courses/{SLUG}/introduction/first-lesson/").text
    assert "In 2010" in pinned and "On 28 July 2010" not in pinned
    course_page = learner.get(f"/courses/{SLUG}/").text
    assert "A new version of this course has been published" in course_page
    assert learner.post(f"/courses/{SLUG}/move-to-latest").status_code == 302
    assert "A new version" not in learner.get(f"/courses/{SLUG}/").text
    assert "On 28 July 2010" in learner.get(f"/courses/{SLUG}/introduction/first-lesson/").text
    assert db.session.scalar(select(ItemCompletion).where(
        ItemCompletion.user_id == student.id, ItemCompletion.item_id == lesson.id))
    assert "Is water a human right?" in learner.get(f"/courses/{SLUG}/introduction/check/").text
    assert learner.get(f"/courses/{SLUG}/introduction/check/attempts/1").status_code == 200

    # History and diff.
    history = client.get(f"/author/courses/{SLUG}/versions/")
    assert "First edition" in history.text and "Dates" in history.text
    diff = client.get(f"/author/courses/{SLUG}/diff?from=1&to=2").text
    assert "+On 28 July 2010" in diff and "−In 2010" in diff
    assert "01-introduction/02-check.quiz.md" in diff


def test_export_import_round_trip(app: Flask, client, make_user, login, runner,
                                  tmp_path: Path) -> None:
    trainer = make_user(role="trainer")
    login(trainer)
    two_lessons_and_a_quiz(client)
    (draft_root(app) / "01-introduction" / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    exported = client.get(f"/author/courses/{SLUG}/export.zip")
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    first = exported.data
    cli_file = tmp_path / "cli.zip"
    result = runner.invoke(args=["courses", "export", SLUG, str(cli_file)])
    assert result.exit_code == 0, result.output
    assert cli_file.read_bytes() == first

    # Another installation: a fresh instance folder and a database without the draft.
    app.instance_path = str(tmp_path / "other-instance")
    db.session.execute(delete(Draft))
    db.session.commit()
    result = runner.invoke(args=["courses", "import", str(cli_file),
                                 "--owner", trainer.username])
    assert result.exit_code == 0, result.output
    again = client.get(f"/author/courses/{SLUG}/export.zip").data
    assert again == first  # byte for byte, so the content is identical too
    files = zipfile.ZipFile(io.BytesIO(again)).namelist()
    assert f"{SLUG}/01-introduction/map.svg" in files


def test_import_through_the_browser(app: Flask, client, make_user, login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    data = client.get(f"/author/courses/{SLUG}/export.zip").data
    response = client.post("/author/import", data={"package": (io.BytesIO(data), "w.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "a browser-authored course has this id already" in response.text
    response = client.post("/author/import", data={
        "package": (io.BytesIO(data), "w.zip"), "new_slug": "water-rights-copy"},
        content_type="multipart/form-data")
    assert response.status_code == 400  # the copy needs a title of its own (issue 14)
    assert "give the copy a new title" in response.text
    response = client.post("/author/import", data={
        "package": (io.BytesIO(data), "w.zip"), "new_slug": "water-rights-copy",
        "new_title": "Water rights (Rome group)"}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert (draft_root(app, "water-rights-copy") / LESSON).read_text() == LESSON_TEXT


def test_on_disk_course_exports_and_import_needs_a_new_id(app, client, make_user, login,
                                                          synced) -> None:
    login(make_user(role="trainer"))
    data = client.get("/author/courses/sample-course/export.zip").data
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "sample-course/course.md" in names and "sample-course/01-basics/chain.svg" in names
    response = client.post("/author/import", data={"package": (io.BytesIO(data), "s.zip")},
                           content_type="multipart/form-data")
    assert "a course authored on disk" in response.text
    assert not (Path(app.instance_path) / "authoring" / "drafts" / "sample-course").exists()


def test_courses_sync_keeps_browser_courses(app, client, make_user, login, runner) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    client.post(f"/author/courses/{SLUG}/publish", data={"note": ""})
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "withdrawn" not in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Course).where(Course.slug == SLUG)).available
