"""Editing a live course in place (issue 14, item 1): "Edit" opens the draft under the same
course id; a course authored as files is taken over once, and sync then skips its files."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from authoring_support import draft_root
from flask import Flask
from sqlalchemy import delete, select

from lms.authoring.models import CourseAuthor, CourseTakeover
from lms.courses.models import Course
from lms.db import db

SAMPLE = "sample-course"


def test_file_course_says_so_and_offers_take_over(app: Flask, client, make_user, login,
                                                  synced) -> None:
    login(make_user(role="trainer"))
    course_page = client.get(f"/courses/{SAMPLE}/").text
    assert f"/author/live/{SAMPLE}/" in course_page
    page = client.get(f"/author/live/{SAMPLE}/")
    assert page.status_code == 200
    assert "authored as files" in page.text
    assert "Take over in the browser" in page.text
    assert not draft_root(app, SAMPLE).exists()


def test_take_over_makes_a_draft_of_the_same_id(app: Flask, client, make_user, login,
                                                synced) -> None:
    trainer = make_user(role="trainer")
    login(trainer)
    response = client.post(f"/author/live/{SAMPLE}/take-over")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/author/courses/{SAMPLE}/")
    assert (draft_root(app, SAMPLE) / "01-basics" / "01-first-lesson.md").is_file()
    row = db.session.scalar(select(CourseTakeover))
    assert (row.course_slug, row.user_id) == (SAMPLE, trainer.id)
    owner = db.session.scalar(select(CourseAuthor).where(CourseAuthor.course_slug == SAMPLE))
    assert (owner.user_id, owner.role) == (trainer.id, "owner")
    # "Edit" now opens the draft; the authoring list shows it once, as a draft.
    assert client.get(f"/author/live/{SAMPLE}/").headers["Location"].endswith(
        f"/author/courses/{SAMPLE}/")
    index = client.get("/author/").text
    assert index.count(f"<code>{SAMPLE}</code>") == 1


def test_second_take_over_gets_a_clear_message(app: Flask, client, make_user, login,
                                               synced) -> None:
    login(make_user(role="trainer"))
    assert client.post(f"/author/live/{SAMPLE}/take-over").status_code == 302
    lesson = draft_root(app, SAMPLE) / "01-basics" / "01-first-lesson.md"
    lesson.write_text(lesson.read_text() + "\nEdited in the browser.\n")
    other = app.test_client()
    other.post("/account/login", data={"login": make_user(role="trainer").username,
                                       "password": "password123"})
    response = other.post(f"/author/live/{SAMPLE}/take-over", follow_redirects=True)
    assert response.status_code == 403  # the draft is not theirs: the page says so
    assert "taken over in the browser already" in response.text
    assert "Edited in the browser." in lesson.read_text()  # nothing lost
    assert db.session.scalar(select(db.func.count(CourseTakeover.id))) == 1


def test_take_over_of_unknown_or_browser_course(app: Flask, client, make_user, login,
                                                synced) -> None:
    login(make_user(role="trainer"))
    assert client.post("/author/live/no-such-course/take-over").status_code == 404
    assert client.get("/author/live/no-such-course/").status_code == 404


def test_sync_skips_the_files_of_a_taken_over_course(app: Flask, client, make_user, login,
                                                     runner, synced, tmp_path: Path) -> None:
    login(make_user(role="trainer"))
    # A private copy of the files, so the test can change them.
    files = tmp_path / "courses"
    shutil.copytree(app.extensions["lms"].course_dirs[0], files)
    app.extensions["lms"].course_dirs[:] = [files]
    assert runner.invoke(args=["courses", "sync"]).exit_code == 0
    assert client.post(f"/author/live/{SAMPLE}/take-over").status_code == 302
    course_md = files / SAMPLE / "course.md"
    course_md.write_text(course_md.read_text().replace("Sample course", "Changed on disk"))
    result = runner.invoke(args=["courses", "sync", "--withdraw-missing"])
    assert result.exit_code == 0, result.output
    assert f"files skipped, taken over in the browser: {SAMPLE}" in result.output
    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.slug == SAMPLE))
    assert course.available
    assert "Changed on disk" not in client.get(f"/courses/{SAMPLE}/").text


def _zip_of(folder: Path, slug: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{slug}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def test_a_copy_needs_a_new_title(app: Flask, client, make_user, login, synced) -> None:
    login(make_user(role="trainer"))
    data = _zip_of(Path(app.extensions["lms"].course_dirs[0]) / SAMPLE, SAMPLE)
    response = client.post("/author/import", data={
        "package": (io.BytesIO(data), "copy.zip"), "new_slug": "sample-copy"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "exists already: give the copy a new title" in response.text
    assert not draft_root(app, "sample-copy").exists()
    response = client.post("/author/import", data={
        "package": (io.BytesIO(data), "copy.zip"), "new_slug": "sample-copy",
        "new_title": "  sample COURSE "}, content_type="multipart/form-data")
    assert response.status_code == 400  # the same title in other letters is the same
    response = client.post("/author/import", data={
        "package": (io.BytesIO(data), "copy.zip"), "new_slug": "sample-copy",
        "new_title": "Sample course for the Rome group"}, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    assert 'title: "Sample course for the Rome group"' in (
        draft_root(app, "sample-copy") / "course.md").read_text()


def test_cli_import_of_a_copy_needs_a_new_title(app: Flask, runner, synced,
                                                tmp_path: Path) -> None:
    package = tmp_path / "sample.zip"
    package.write_bytes(_zip_of(Path(app.extensions["lms"].course_dirs[0]) / SAMPLE, SAMPLE))
    result = runner.invoke(args=["courses", "import", str(package), "--as", "sample-copy"])
    assert result.exit_code == 1
    assert 'a course titled "Sample course" exists already' in result.output
    result = runner.invoke(args=["courses", "import", str(package), "--as", "sample-copy",
                                 "--title", "Sample course, Rome"])
    assert result.exit_code == 0, result.output


def test_edit_remakes_a_missing_draft_of_a_browser_course(app: Flask, client, make_user,
                                                          login) -> None:
    from authoring_support import SLUG, two_lessons_and_a_quiz

    owner = make_user(role="trainer")
    login(owner)
    two_lessons_and_a_quiz(client)
    assert client.post(f"/author/courses/{SLUG}/publish", data={"note": ""}).status_code == 302
    _forget_draft(app, SLUG)  # e.g. deleted by an administrator
    response = client.get(f"/author/live/{SLUG}/")
    assert response.headers["Location"].endswith(f"/author/courses/{SLUG}/")
    assert (draft_root(app) / "course.md").is_file()
    # Another trainer is not an author: told so, nothing made.
    _forget_draft(app, SLUG)
    other = app.test_client()
    other.post("/account/login", data={"login": make_user(role="trainer").username,
                                       "password": "password123"})
    page = other.get(f"/author/live/{SLUG}/")
    assert page.status_code == 403
    assert "Only the course&#39;s authors can edit it" in page.text or \
        "Only the course's authors can edit it" in page.text
    assert not draft_root(app).exists()


def _forget_draft(app: Flask, slug: str) -> None:
    """No draft at all: neither in the database nor in this server's working copy."""
    from lms.authoring.models import Draft, DraftFile

    draft_id = db.session.scalar(select(Draft.id).where(Draft.course_slug == slug))
    db.session.execute(delete(DraftFile).where(DraftFile.draft_id == draft_id))
    db.session.execute(delete(Draft).where(Draft.id == draft_id))
    db.session.commit()
    shutil.rmtree(draft_root(app))
    (draft_root(app).parent / f".{slug}.revision").unlink(missing_ok=True)
