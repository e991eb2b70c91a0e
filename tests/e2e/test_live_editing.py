"""Issue 14, "Done when": a trainer edits a live course's lesson in the browser (taking over
a course authored as files), publishes version 1.1, and a learner sees the new text under
the same course id with their progress intact; the catalogue lists the course once."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from tests.e2e.conftest import SAMPLE_COURSES, log_in

SLUG = "e2e-live-course"
TITLE = "Live editing course"
LESSON = "01-basics/01-first-lesson.md"
LESSON_URL = f"/courses/{SLUG}/basics/first-lesson/"


def _file_course(live_app: Flask, folder: Path) -> None:
    """A course authored as files, on the site (a copy of the sample, under its own id)."""
    from lms.courses.package import load_course
    from lms.courses.sync import sync_courses
    from lms.db import utcnow

    root = folder / SLUG
    shutil.copytree(SAMPLE_COURSES / "sample-course", root)
    for name, old in (("course.md", "Sample course"), ("course.it.md", "Corso di esempio")):
        path = root / name
        path.write_text(path.read_text().replace(old, TITLE))
    with live_app.app_context():
        spec, problems = load_course(root, question_types=live_app.extensions["lms"]
                                     .question_types)
        assert spec is not None, problems
        sync_courses([spec], now=utcnow(), withdraw_missing=False)


def test_trainer_edits_a_live_course_learner_keeps_progress(
    live_app: Flask, open_page: Callable[..., Page], make_account: Callable[..., str],
    screenshot: Callable[..., Path], tmp_path: Path,
) -> None:
    _file_course(live_app, tmp_path)

    learner = open_page()
    log_in(learner, make_account())
    learner.goto(LESSON_URL)
    assert "Look at the chain" in learner.locator("article").inner_text()
    learner.get_by_role("button", name="Mark as complete").click()
    learner.wait_for_load_state()

    trainer = open_page()
    log_in(trainer, make_account("trainer"))
    trainer.goto(f"/courses/{SLUG}/")
    trainer.get_by_role("link", name="Edit this course").click()
    trainer.wait_for_load_state()
    assert "authored as files" in trainer.locator("main").inner_text()
    screenshot(trainer, "live-take-over")
    trainer.get_by_role("button", name="Take over in the browser").click()
    trainer.wait_for_load_state()
    assert trainer.url.endswith(f"/author/courses/{SLUG}/"), trainer.url
    screenshot(trainer, "live-draft-course-page")

    trainer.get_by_role("link", name="English: Follow the money").click()
    trainer.wait_for_load_state()
    assert trainer.url.endswith(f"/edit/{LESSON}"), trainer.url
    text = trainer.locator("textarea").input_value()
    trainer.locator("textarea").fill(text.replace("Look at the chain:",
                                                  "Look closely at the whole chain:"))
    trainer.get_by_role("button", name="Save", exact=True).click()
    trainer.wait_for_load_state()
    assert "Saved." in trainer.locator("main").inner_text()

    trainer.goto(f"/author/courses/{SLUG}/")
    label = trainer.get_by_label("Version label")
    assert label.input_value() == "1.1"  # proposed: the files said 1.0
    label.fill("1.1")
    trainer.get_by_label("What changed").fill("A closer look at the chain")
    trainer.get_by_role("button", name="Publish", exact=True).click()
    trainer.wait_for_load_state()
    assert "Published as version 1.1." in trainer.locator("main").inner_text()
    trainer.goto(f"/author/courses/{SLUG}/versions/")
    assert "1.1" in trainer.locator("main").inner_text()

    # The learner: same course id, the notice of a new version, progress kept.
    learner.goto(f"/courses/{SLUG}/")
    assert "A new version of this course has been published" in learner.content()
    assert "version 1.1" in learner.locator("main").inner_text()
    learner.get_by_role("button", name="Move to the new version").click()
    learner.wait_for_load_state()
    learner.goto(LESSON_URL)
    assert "Look closely at the whole chain" in learner.locator("article").inner_text()
    assert "You have completed this page." in learner.locator("main").inner_text()
    screenshot(learner, "live-learner-new-text")

    # One course in the catalogue, not an original and a copy.
    learner.goto("/courses/")
    cards = learner.locator("ul.cards li.card h2")
    assert cards.all_inner_texts().count(TITLE) == 1, cards.all_inner_texts()

    # A second take-over is refused with a clear message; nothing is lost.
    other = open_page()
    log_in(other, make_account("trainer"))
    other.goto(f"/author/live/{SLUG}/")
    assert "Take over in the browser" not in other.locator("main").inner_text()
