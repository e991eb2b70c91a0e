"""A module printed for an offline classroom: the handout (no answers) and the answer key,
cached per version and language in the database, with a note for a missing image."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import make_test_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.auth.models import User
from lms.classes import services as classes
from lms.courses.models import Course, Module
from lms.courses.sync import load_packages, sync_courses
from lms.db import db, utcnow
from lms.handouts import services
from lms.handouts.models import Handout

PACKAGES = Path(__file__).resolve().parent / "data" / "packages"
LESSON = """---
title: Read this first
objectives:
  - Follow a product from farm to shop
estimated_minutes: 10
---
Look at the chain:

![A supply chain from farm to shop](chain.png)

!!! tip "Try this"
    Find a product at home with a fair trade label.
"""
#: In the quiz of tests/data/packages/quiz-course: right answers, explanations, feedback.
ANSWERS = ["Altromercato", "General Assembly votes", "is a floor, not a fixed price",
           "the shop never touches"]

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def tiny_png() -> bytes:
    """A 2 × 2 red PNG, written by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def course_dir(app: Flask, tmp_path: Path) -> Path:
    """The every-type quiz course plus a lesson with an image, synced from a copy."""
    root = tmp_path / "packages"
    shutil.copytree(PACKAGES / "quiz-course", root)
    module = root / "every-type" / "01-all"
    (module / "02-read-this.md").write_text(LESSON, encoding="utf-8")
    (module / "chain.png").write_bytes(tiny_png())
    specs, problems = load_packages([root], question_types=app.extensions["lms"].question_types)
    assert not [p for p in problems if p.is_error], problems
    sync_courses(specs, now=utcnow())
    return root / "every-type"


@pytest.fixture
def teacher(app: Flask, make_user: Callable[..., User], course_dir: Path
            ) -> tuple[FlaskClient, int, int]:
    """A logged-in teacher, their class on the course, and the module's id."""
    user = make_user("teacher")
    course_id = db.session.scalar(select(Course.id).where(Course.slug == "every-type"))
    school_class = classes.create_class(user.id, "4A", course_id, now=utcnow())
    module_id = db.session.scalar(select(Module.id).where(Module.course_id == course_id))
    client = app.test_client()
    client.post("/account/login", data={"login": user.username, "password": "password123"})
    return client, school_class.id, module_id


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def download(client: FlaskClient, class_id: int, module_id: int, kind: str,
             language: str = "en") -> bytes:
    response = client.get(f"/teach/classes/{class_id}/modules/{module_id}/{kind}.pdf"
                          f"?language={language}")
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "application/pdf"
    assert f'-{language}-{kind}.pdf"' in response.headers["Content-Disposition"]
    return response.data


@needs_pdftotext
def test_handout_has_the_lessons_and_no_answers(
        teacher: tuple[FlaskClient, int, int]) -> None:
    client, class_id, module_id = teacher
    text = pdf_text(download(client, class_id, module_id, "handout"))
    for expected in ("Every type", "Read this first", "course version 1.0",
                     "Follow a product from farm to shop", "Find a product at home",
                     "Who decides how the Fairtrade Premium is spent?",
                     "The producers, together and democratically",  # an option, unmarked
                     "Think of a product you bought this week", "Name", "Class"):
        assert expected in text, expected
    assert not [answer for answer in ANSWERS if answer in text]
    assert "Answer key" not in text


@needs_pdftotext
def test_answer_key_has_the_answers(teacher: tuple[FlaskClient, int, int]) -> None:
    client, class_id, module_id = teacher
    text = pdf_text(download(client, class_id, module_id, "answers"))
    assert "Answer key, for the teacher" in text and "course version 1.0" in text
    assert all(answer in text for answer in ANSWERS), text
    assert "The producers, together and democratically" in text and "1.8 ± 0.01" in text
    assert "Read this first" not in text  # a lesson without questions has no answers


def test_the_lesson_image_is_in_the_handout(teacher: tuple[FlaskClient, int, int]) -> None:
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages (poppler-utils) is not installed")
    client, class_id, module_id = teacher
    listing = subprocess.run(["pdfimages", "-list", "-", ], capture_output=True, check=False,
                             input=download(client, class_id, module_id, "handout"))
    if listing.returncode != 0:  # older poppler cannot read standard input
        pytest.skip("pdfimages cannot read standard input here")
    assert len(listing.stdout.decode().strip().splitlines()) >= 3  # two header lines + image


@needs_pdftotext
def test_missing_image_prints_a_note(teacher: tuple[FlaskClient, int, int],
                                     course_dir: Path) -> None:
    client, class_id, module_id = teacher
    (course_dir / "01-all" / "chain.png").unlink()
    text = pdf_text(download(client, class_id, module_id, "handout"))
    assert "[Image missing from the course: A supply chain from farm to shop]" in text
    assert "Read this first" in text


@needs_pdftotext
def test_in_the_classes_language(teacher: tuple[FlaskClient, int, int]) -> None:
    """The course is only in English: its texts stay English, the printed words are Italian."""
    client, class_id, module_id = teacher
    text = pdf_text(download(client, class_id, module_id, "handout", "it"))
    assert "versione del corso 1.0" in text and "Vero" in text and "Read this first" in text
    key = pdf_text(download(client, class_id, module_id, "answers", "it"))
    assert "Altromercato" in key and "Spiegazione:" in key


def test_cached_per_version_and_language(app: Flask, teacher: tuple[FlaskClient, int, int],
                                         course_dir: Path, database_url: str,
                                         tmp_path: Path) -> None:
    client, class_id, module_id = teacher
    first = services.handout(module_id, kind="handout", language="en")
    again = services.handout(module_id, kind="handout", language="en")
    assert first is not None and again is not None
    assert not first.from_cache and again.from_cache and again.pdf == first.pdf
    services.handout(module_id, kind="handout", language="it")
    services.handout(module_id, kind="answers", language="en")
    assert db.session.scalar(select(func.count(Handout.id))) == 3
    # A changed image is a new version: rendered again, and the old one is dropped.
    (course_dir / "01-all" / "chain.png").write_bytes(tiny_png() + b"\x00")
    changed = services.handout(module_id, kind="handout", language="en")
    assert changed is not None and not changed.from_cache
    assert db.session.scalar(select(func.count(Handout.id)).where(
        Handout.kind == "handout", Handout.language == "en")) == 1
    # Served from the database: a second app server (another app on the same database, with
    # its own instance folder) finds the PDF the first one rendered.
    second = make_test_app(database_url, tmp_path / "second-server")
    with second.app_context():
        found = services.handout(module_id, kind="handout", language="en")
        assert found is not None and found.from_cache and found.pdf == changed.pdf
        db.session.remove()
        db.engine.dispose()


def test_only_the_classes_teacher_and_only_its_modules(
        app: Flask, make_user: Callable[..., User], teacher: tuple[FlaskClient, int, int],
        synced: None) -> None:
    client, class_id, module_id = teacher
    base = f"/teach/classes/{class_id}/modules"
    other_module = db.session.scalar(select(Module.id).join(Course).where(
        Course.slug == "sample-course"))
    assert client.get(f"{base}/{other_module}/handout.pdf").status_code == 404
    assert client.get(f"{base}/999999/answers.pdf").status_code == 404
    other = app.test_client()
    stranger = make_user("teacher")
    other.post("/account/login", data={"login": stranger.username, "password": "password123"})
    assert other.get(f"{base}/{module_id}/answers.pdf").status_code == 404
    student = make_user("student")
    pupil = app.test_client()
    pupil.post("/account/login", data={"login": student.username, "password": "password123"})
    assert pupil.get(f"{base}/{module_id}/answers.pdf").status_code == 403
    assert db.session.scalar(select(func.count(Handout.id))) == 0  # nothing rendered for them


def test_module_page_links_both_files(teacher: tuple[FlaskClient, int, int]) -> None:
    client, class_id, module_id = teacher
    page = client.get(f"/teach/classes/{class_id}/modules/{module_id}/").text
    base = f"/teach/classes/{class_id}/modules/{module_id}"
    assert f"{base}/handout.pdf?language=en" in page and f"{base}/answers.pdf?language=en" in page
