"""Issue 16: a translation awaiting review by a native-speaking educator says so to learners."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from lms.courses.sync import load_packages
from tests.conftest import SAMPLE_COURSES

LESSON = "/courses/sample-course/basics/first-lesson/"
QUIZ = "/courses/sample-course/basics/check/"
COURSE = "/courses/sample-course/"
PT = {"Accept-Language": "pt"}
NOTICE = "Esta tradução aguarda revisão por um educador ou educadora falante nativo da língua."

PT_LESSON = """---
title: Segue o dinheiro
objectives:
  - Nomear os elos de uma cadeia de abastecimento
review: awaiting
---
Olha para a cadeia:

![Uma cadeia de abastecimento do campo à loja](chain.svg)

## Fontes

- Um relatório inventado, 2024.
"""
PT_COURSE = """---
title: Curso de exemplo
summary: Um pequeno curso que usa todas as partes do formato.
review: awaiting
---
Este curso tem dois módulos.
"""


@pytest.fixture
def package(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Path:
    """The sample course with a Portuguese course page and lesson awaiting review, synced."""
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSES, root)
    course = root / "sample-course"
    course_md = course / "course.md"
    course_md.write_text(course_md.read_text().replace("languages: [en, it]",
                                                       "languages: [en, it, pt]"))
    (course / "course.pt.md").write_text(PT_COURSE)
    (course / "01-basics" / "01-first-lesson.pt.md").write_text(PT_LESSON)
    quiz = (course / "01-basics" / "02-check.quiz.it.md").read_text()
    (course / "01-basics" / "02-check.quiz.pt.md").write_text(
        quiz.replace("---\n", "---\nreview: awaiting\n", 1))
    app.extensions["lms"].course_dirs = [root]
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    return course


def review(path: Path, reviewer: str) -> None:
    path.write_text(path.read_text().replace("review: awaiting\n",
                                             f"review: awaiting\nreviewed_by: {reviewer}\n", 1))


def test_pt_pages_awaiting_review_tell_the_learner(package: Path, client: FlaskClient) -> None:
    for url in (LESSON, QUIZ, COURSE):
        page = client.get(url, headers=PT).get_data(as_text=True)
        assert NOTICE in page, url


def test_reviewed_by_removes_the_notice(package: Path, client: FlaskClient,
                                       runner: FlaskCliRunner) -> None:
    review(package / "01-basics" / "01-first-lesson.pt.md", "Ana Machava")
    review(package / "course.pt.md", "Ana Machava")
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    for url in (LESSON, COURSE):
        page = client.get(url, headers=PT).get_data(as_text=True)
        assert "Segue o dinheiro" in page or "Curso de exemplo" in page
        assert NOTICE not in page, url
    # The quiz still awaits its review.
    assert NOTICE in client.get(QUIZ, headers=PT).get_data(as_text=True)


def test_reviewed_original_and_other_languages_show_no_notice(package: Path,
                                                              client: FlaskClient) -> None:
    for headers in ({"Accept-Language": "en"}, {"Accept-Language": "it"}):
        page = client.get(LESSON, headers=headers).get_data(as_text=True)
        assert NOTICE not in page
        assert "This translation is waiting for review" not in page


@pytest.mark.parametrize(("line", "message"), [
    ("review: maybe", "review can only be awaiting"),
    ('reviewed_by: ""', "reviewed_by must be text"),
    ("reviewed_by: [Ana]", "reviewed_by must be text"),
])
def test_checker_rejects_bad_review_keys(tmp_path: Path, line: str, message: str) -> None:
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSES, root)
    lesson = root / "sample-course" / "01-basics" / "01-first-lesson.it.md"
    lesson.write_text(lesson.read_text().replace("---\n", f"---\n{line}\n", 1))
    _specs, problems = load_packages([root])
    errors = [p for p in problems if p.is_error]
    assert any(message in str(p) and "01-first-lesson.it.md" in str(p) for p in errors), errors


def test_checker_accepts_both_review_keys(tmp_path: Path) -> None:
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSES, root)
    for name in ("course.it.md", "01-basics/module.it.md", "01-basics/01-first-lesson.it.md",
                 "01-basics/02-check.quiz.it.md", "teacher-guide.md"):
        path = root / "sample-course" / name
        path.write_text(path.read_text().replace(
            "---\n", "---\nreview: awaiting\nreviewed_by: Ana Machava\n", 1))
    _specs, problems = load_packages([root])
    assert not [p for p in problems if p.is_error], problems
