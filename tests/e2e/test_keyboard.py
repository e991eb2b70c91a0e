"""Keyboard only: from the login form to a completed lesson and a submitted quiz, with a
visible focus at every stop; the skip link; form errors tied to their fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {tag: el.tagName, text: (el.innerText || el.value || el.id || '').trim().slice(0, 60),
          visible: outline || style.boxShadow !== 'none'};
}"""


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus; every element passed on the way must show
    where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        assert focused["visible"], f"no visible focus on {focused} ({page.url})"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus on {page.url}")


def choose(page: Page, label: str) -> None:
    """In a focused radio group, move with the arrow keys to the option labelled ``label``
    (options may be shuffled) and select it with Space."""
    for _ in range(8):
        current = page.evaluate(
            "() => document.querySelector(`label[for='${document.activeElement.id}']`).innerText")
        if current.strip() == label:
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r}")


def test_skip_link_moves_to_the_main_content(open_page: Callable[..., Page]) -> None:
    page = open_page()
    page.goto("/courses/")
    skip = page.locator(".skip-link")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_login_to_completed_lesson_and_submitted_quiz(
    open_page: Callable[..., Page], make_account: Callable[..., str],
    screenshot: Callable[[Page, str], Path],
) -> None:
    username = make_account("student")
    page = open_page()
    page.goto("/account/login")
    tab_to(page, "#login")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/")

    tab_to(page, "a[href$='/courses/sample-course/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/sample-course/")
    tab_to(page, "main a.button")  # Start the course
    page.keyboard.press("Enter")
    page.wait_for_url("**/sample-course/basics/first-lesson/")

    tab_to(page, ".item-actions button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.url.endswith("/sample-course/basics/check/")
    assert page.locator(".flash-success").inner_text() == "Lesson marked as complete."

    # Question 1: a radio group. Tab enters it, the arrow keys choose.
    tab_to(page, "form.quiz-form input[type=radio]")
    choose(page, "The producers, together")
    # Question 2, true or false.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "radio"
    choose(page, "False")
    tab_to(page, "form.quiz-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/attempts/" in page.url, page.url
    assert "100%" in page.locator("main h1, main h2").first.inner_text()
    screenshot(page, "quiz-result-en")


def test_form_errors_are_linked_to_their_fields(open_page: Callable[..., Page]) -> None:
    page = open_page(locale="it-IT")
    page.goto("/account/signup")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("h2").inner_text() == "Correggi quanto segue:"
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 2
    for index in range(invalid.count()):
        field = invalid.nth(index)
        field_id = field.get_attribute("id")
        described = (field.get_attribute("aria-describedby") or "").split()
        assert f"{field_id}-error" in described, field_id
        assert page.locator(f"#{field_id}-error").inner_text().strip()
        assert summary.locator(f"a[href='#{field_id}']").count() == 1
        assert page.locator(f"label[for={field_id}]").count() == 1
