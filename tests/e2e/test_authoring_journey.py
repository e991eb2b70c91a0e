"""The trainer's journey in a real browser: write, preview, publish, republish; the learner
keeps their progress and moves to the new version when they choose."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from tests.authoring_support import LESSON, LESSON_TEXT

SLUG = "e2e-water-rights"


def edit(page: Page, rel: str, text: str, *, preview_expect: str | None = None) -> None:
    page.goto(f"/author/courses/{SLUG}/edit/{rel}")
    page.locator("textarea").fill(text)
    if preview_expect:
        page.get_by_role("button", name="Preview").click()
        page.wait_for_load_state()
        assert preview_expect in page.locator("main").inner_text()
        page.locator("textarea").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert "/edit/" not in page.url or "saved" in page.content().lower(), page.url


def publish(page: Page, note: str) -> None:
    page.goto(f"/author/courses/{SLUG}/")
    page.get_by_label("What changed").fill(note)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()


def test_trainer_writes_and_republishes_learner_keeps_progress(
    open_page: Callable[..., Page], make_account: Callable[..., str],
    screenshot: Callable[..., Path],
) -> None:
    trainer = open_page()
    from tests.e2e.conftest import log_in

    log_in(trainer, make_account("trainer"))
    trainer.goto("/author/new")
    trainer.get_by_label("Title").fill("Water rights")
    trainer.get_by_label("Course id").fill(SLUG)
    trainer.get_by_label("Summary").fill("Who owns water?")
    trainer.get_by_role("button", name="Create the course").click()
    trainer.wait_for_load_state()
    assert trainer.url.endswith(f"/author/courses/{SLUG}/"), trainer.url

    add = trainer.locator("form.author-add").first
    add.locator("input[name=title]").fill("Check")
    add.locator("input[value=quiz]").check()
    add.get_by_role("button", name="Add", exact=True).click()
    trainer.wait_for_load_state()
    edit(trainer, LESSON, LESSON_TEXT, preview_expect="recognised the human right to water")
    screenshot(trainer, "author-after-save")
    publish(trainer, "First edition")
    assert "Published as version 1." in trainer.locator("main").inner_text()

    learner = open_page()
    log_in(learner, make_account())
    lesson_url = f"/courses/{SLUG}/introduction/first-lesson/"
    learner.goto(lesson_url)
    assert "In 2010 the UN" in learner.locator("article").inner_text()
    learner.get_by_role("button", name="Mark as complete").click()
    learner.wait_for_load_state()

    edit(trainer, LESSON, LESSON_TEXT.replace("In 2010", "On 28 July 2010"))
    publish(trainer, "Exact date")
    trainer.goto(f"/author/courses/{SLUG}/versions/")
    history = trainer.locator("main").inner_text()
    assert "First edition" in history and "Exact date" in history
    screenshot(trainer, "author-versions")

    learner.goto(lesson_url)
    assert "On 28 July" not in learner.locator("article").inner_text()
    learner.goto(f"/courses/{SLUG}/")
    assert "A new version of this course has been published" in learner.content()
    screenshot(learner, "learner-new-version-notice")
    learner.get_by_role("button", name="Move to the new version").click()
    learner.wait_for_load_state()
    learner.goto(lesson_url)
    assert "On 28 July 2010" in learner.locator("article").inner_text()
    assert "You have completed this page." in learner.locator("main").inner_text()

    exported = trainer.request.get(f"/author/courses/{SLUG}/export.zip")
    assert exported.ok
    package = zipfile.ZipFile(io.BytesIO(exported.body()))
    assert b"On 28 July 2010" in package.read(f"{SLUG}/{LESSON}")
