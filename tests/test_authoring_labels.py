"""Versions people can read (issue 14, item 3): each publish takes (or proposes) the next
label, refuses one not greater than the last or used before, and the label is what the
course page, the version list and certificates show."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from authoring_support import LESSON, LESSON_TEXT, SLUG, draft_root, save, two_lessons_and_a_quiz
from flask import Flask
from sqlalchemy import select

from lms.authoring.labels import propose_label, write_label
from lms.authoring.models import CourseVersion
from lms.db import db


def publish(client, label: str = "", note: str = "") -> str:
    return client.post(f"/author/courses/{SLUG}/publish", data={"label": label, "note": note},
                       follow_redirects=True).text


def labels() -> list[str]:
    return list(db.session.scalars(select(CourseVersion.label).order_by(CourseVersion.number)))


def change_lesson(client, words: str) -> None:
    assert save(client, LESSON, LESSON_TEXT + f"\n{words}\n").status_code == 302


def test_labels_are_proposed_and_shown(app: Flask, client, make_user, login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    page = client.get(f"/author/courses/{SLUG}/").text
    assert 'name="label"' in page and 'value="1.0"' in page
    assert "Published as version 1.0." in publish(client)
    change_lesson(client, "A second paragraph.")
    page = client.get(f"/author/courses/{SLUG}/").text
    assert 'value="1.1"' in page  # proposed
    assert "Published as version 1.1." in publish(client, "", "More on the UN")
    change_lesson(client, "A third paragraph.")
    assert "Published as version 2.0." in publish(client, "2.0")
    assert labels() == ["1.0", "1.1", "2.0"]
    assert 'version: "2.0"' in (draft_root(app) / "course.md").read_text()
    assert "version 2.0" in client.get(f"/courses/{SLUG}/").text
    history = client.get(f"/author/courses/{SLUG}/versions/").text
    assert "<th scope=\"row\">1.1</th>" in history and "More on the UN" in history


@pytest.mark.parametrize(("label", "message"), [
    ("1.0", "version 1.0 was published already"),
    ("1", "version 1 was published already"),  # 1 and 1.0 are the same version
    ("0.9", "version 0.9 is not greater than the last one (1.0)"),
    ("1.1 beta", "is not a version label: use numbers like 1.1 or 2.0"),
    ("v2", "is not a version label"),
    ("1." + "1" * 60, "Field cannot be longer than 40 characters"),
])
def test_bad_labels_are_refused_and_nothing_is_published(app: Flask, client, make_user, login,
                                                         label: str, message: str) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    publish(client)
    change_lesson(client, "Changed.")
    page = publish(client, label)
    assert message in page, page
    assert labels() == ["1.0"]
    assert "Changed." in (draft_root(app) / LESSON).read_text()  # the draft is kept


def test_propose_and_write_label(app: Flask, tmp_path: Path) -> None:
    assert propose_label("never-published", "") == "1.0"
    assert propose_label("never-published", "3.2") == "3.2"
    root = tmp_path / "c"
    root.mkdir()
    (root / "course.md").write_text('---\ntitle: T\nversion: "1.0"\n---\nversion: in the text\n')
    write_label(root, "1.1")
    assert (root / "course.md").read_text() == (
        '---\ntitle: T\nversion: "1.1"\n---\nversion: in the text\n')
    (root / "course.md").write_text("---\ntitle: T\n---\nBody\n")
    write_label(root, "2.0")
    assert (root / "course.md").read_text() == '---\nversion: "2.0"\ntitle: T\n---\nBody\n'


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_certificate_prints_the_label(app: Flask, client, make_user, login, synced,
                                      tmp_path: Path) -> None:
    from lms.certificates import claims, services
    from lms.courses.models import Course, Item
    from lms.db import utcnow
    from lms.progress.services import mark_item_complete

    login(make_user(role="trainer"))
    assert client.post("/author/live/sample-course/take-over").status_code == 302
    page = client.get("/author/courses/sample-course/").text
    assert 'value="1.1"' in page  # the files said 1.0: the next is proposed
    response = client.post("/author/courses/sample-course/publish",
                           data={"label": "1.1", "note": "Taken over"}, follow_redirects=True)
    assert "Published as version 1.1." in response.text
    course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    assert course.version == "1.1"
    learner = make_user(display_name="Ada Rossi")
    for item_id in db.session.scalars(select(Item.id).where(
            Item.course_id == course.id, Item.required, Item.available)):
        mark_item_complete(learner.id, item_id, now=utcnow())
    certificate = claims.claim_certificate(learner.id, "sample-course", "Ada Rossi", None,
                                           shown_name="Ada Rossi", now=utcnow())
    services.render_pdf(certificate.id, now=utcnow())
    db.session.refresh(certificate)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "version 1.1" in text and "Ada Rossi" in text
