"""Layout in a real browser: right-to-left mirroring, page weight on a cold cache, print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request

LESSON = "/courses/{course}/{module}/{lesson}/"
WIDTH = 1024


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box


def _gap_start(box: dict[str, float]) -> float:
    return box["x"]


def _gap_end(box: dict[str, float]) -> float:
    return WIDTH - (box["x"] + box["width"])


def test_lesson_layout_mirrors_in_arabic(
    site: Any, open_page: Callable[..., Page], screenshot: Callable[..., Path],
) -> None:
    """The same lesson in English and, switched with the language form, in Arabic: the brand,
    breadcrumb and skip link sit as far from the right edge in Arabic as from the left in
    English, and the navigation runs from right to left."""
    url = site.url(LESSON)
    ltr = open_page(width=WIDTH)
    ltr.goto(url)
    rtl = open_page(width=WIDTH)
    rtl.goto(url)
    rtl.locator(".language-list button[value=ar]").click()
    rtl.wait_for_load_state()
    assert rtl.url.endswith(url)
    assert rtl.locator("html").get_attribute("dir") == "rtl"
    assert rtl.locator("html").get_attribute("lang") == "ar"
    assert ltr.locator("html").get_attribute("dir") == "ltr"

    for selector in (".brand", ".breadcrumb a"):
        left_to_right, right_to_left = _box(ltr, selector), _box(rtl, selector)
        assert abs(_gap_start(left_to_right) - _gap_end(right_to_left)) <= 2, selector
        assert _gap_end(right_to_left) < _gap_start(right_to_left), f"{selector} not on the right"

    brand, nav = _box(rtl, ".brand"), _box(rtl, "nav[aria-label] .nav-list li")
    assert nav["x"] < brand["x"], "in Arabic the navigation follows the brand to its left"

    # The lesson text (English here, not yet translated) keeps its own direction.
    assert rtl.locator("article").get_attribute("dir") == "ltr"
    screenshot(rtl, "lesson-ar")
    screenshot(ltr, "lesson-en")

    for page in (ltr, rtl):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
    left_to_right, right_to_left = _box(ltr, ".skip-link"), _box(rtl, ".skip-link")
    assert abs(_gap_start(left_to_right) - _gap_end(right_to_left)) <= 2


def test_lesson_in_italian_and_on_a_phone(
    site: Any, open_page: Callable[..., Page], screenshot: Callable[..., Path],
) -> None:
    """Italian through Accept-Language; on a 360 px phone nothing scrolls sideways."""
    url = site.url(LESSON)
    page = open_page("student", locale="it-IT")
    page.goto(url)
    assert page.get_by_role("button", name="Segna come completata").is_visible()
    screenshot(page, "lesson-it")
    phone = open_page("student", locale="it-IT", width=360, height=740, is_mobile=True,
                      has_touch=True, device_scale_factor=2)
    phone.goto(url)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    screenshot(phone, "lesson-it-phone", full_page=False)
    catalogue = open_page(locale="it-IT", width=360, height=740, is_mobile=True)
    catalogue.goto("/courses/")
    screenshot(catalogue, "catalogue-it-phone")


def test_lesson_first_load_is_light(site: Any, open_page: Callable[..., Page]) -> None:
    """Cold cache, logged in: at most 4 requests and 50 KB on the wire, lesson images aside."""
    page = open_page("student")
    finished: list[Request] = []
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(site.url(LESSON), wait_until="load")
    assert response is not None and response.ok
    page.wait_for_timeout(300)  # a favicon is fetched after load

    counted = [r for r in finished if "/media/" not in r.url]
    sizes = {r.url: r.sizes() for r in counted}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] + s["requestHeadersSize"]
                for s in sizes.values())
    report = "\n".join(f"{s['responseBodySize']:>7} B  {url}" for url, s in sizes.items())
    print(f"lesson page, cold cache: {len(counted)} requests, {total} bytes\n{report}")
    assert len(counted) <= 4, report
    assert total <= 50 * 1024, report
    assert response.headers.get("content-encoding") in ("br", "gzip")
    images = page.locator("article img")
    for index in range(images.count()):
        image = images.nth(index)
        assert image.get_attribute("loading") == "lazy"


def test_print_hides_navigation_and_shows_link_addresses(
    site: Any, open_page: Callable[..., Page], tmp_path: Path,
) -> None:
    page = open_page()
    page.goto(site.url(LESSON))
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".pager").is_visible()
    assert page.locator("main h1").is_visible()
    external = page.locator(".prose a[href^='http']")
    if external.count():
        after = external.first.evaluate("a => getComputedStyle(a, '::after').content")
        assert "http" in after
    page.pdf(path=str(tmp_path / "lesson.pdf"))  # renders without error


def test_english_course_text_keeps_its_direction_on_arabic_pages(
    site: Any, open_page: Callable[..., Page], screenshot: Callable[..., Path],
) -> None:
    """Untranslated (English) course summaries, module titles and quiz questions on Arabic
    pages are laid out left to right, so their full stops and question marks stay at their
    end instead of jumping to the start (".loan ethical")."""
    page = open_page(locale="ar", width=WIDTH)
    page.goto(site.url("/courses/"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    direction = "el => getComputedStyle(el).direction"
    summary = page.locator(".card p[lang=en]").first
    assert summary.evaluate(direction) == "ltr"
    assert page.locator(".card h2[lang=en]").first.evaluate(direction) == "ltr"
    page.goto(site.url("/courses/{course}/"))
    assert page.locator(".module h3[lang=en]").first.evaluate(direction) == "ltr"
    assert page.locator(".modules .items a[lang=en]").first.evaluate(direction) == "ltr"
    page.goto(site.url("/courses/{quiz}/"))
    assert page.locator(".question-prompt[lang=en]").first.evaluate(direction) == "ltr"
    assert page.locator(".question-number").first.evaluate(direction) == "rtl"
    screenshot(page, "quiz-ar")


def test_language_switcher_is_one_short_line_on_a_phone(
    site: Any, open_page: Callable[..., Page], screenshot: Callable[..., Path],
    make_account: Callable[..., str],
) -> None:
    """Six languages in a row took two lines of a 375 px header: there the current language
    opens the others (a disclosure, by keyboard too); a wide screen keeps the row."""
    # A fresh account: switching the language saves it on the account, and the demo
    # student's pages in later tests are expected in English.
    phone = open_page(make_account(), width=375, height=740, is_mobile=True, has_touch=True)
    phone.goto(site.url(LESSON))
    switcher = phone.locator(".language-switch")
    line = phone.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    assert switcher.bounding_box()["height"] < 2 * line
    assert not phone.locator(".language-list").is_visible()
    summary = phone.locator(".language-menu summary")
    assert summary.locator("span[lang=en]").inner_text() == "English"
    assert summary.inner_text().split() == ["Language:", "English"]  # its name, read aloud
    assert not phone.locator(".language-menu button[value=it]").is_visible()
    summary.focus()
    phone.keyboard.press("Enter")
    italian = phone.locator(".language-menu button[value=it]")
    assert italian.is_visible() and italian.get_attribute("lang") == "it"
    assert italian.inner_text() == "Italiano"
    assert phone.locator(".language-menu button[value=en]").count() == 0  # the current one
    menu = phone.locator(".language-menu ul").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= 375, menu
    screenshot(phone, "language-menu-phone", full_page=False)
    italian.focus()
    with phone.expect_navigation():  # the page at hand is loaded already: wait for the next one
        phone.keyboard.press("Enter")
    assert phone.locator("html").get_attribute("lang") == "it"
    assert phone.url.endswith(site.url(LESSON))

    wide = open_page(width=WIDTH)
    wide.goto(site.url(LESSON))
    assert wide.locator(".language-list button[value=it]").is_visible()
    assert not wide.locator(".language-menu").is_visible()


def test_a_wide_diagram_stays_readable_on_a_phone(
    make_account: Callable[..., str], open_page: Callable[..., Page],
    screenshot: Callable[..., Path],
) -> None:
    """Issue 16: on a 360 px phone a wide diagram keeps its drawn size (its labels stay as
    large as drawn) and scrolls sideways inside its link, which opens it full size; the page
    itself does not scroll sideways, and the alt text and caption stay."""
    url = "/courses/fair-trade/why-trade-can-be-unfair/follow-a-cocoa-bean/"
    learner = make_account()  # a fresh account: earlier tests may change the demo's language
    phone = open_page(learner, width=360, height=740, is_mobile=True, has_touch=True,
                      device_scale_factor=2)
    phone.goto(url)
    link = phone.locator("article a:has(> img[src$='cocoa-chain.svg'])")
    image = link.locator("img")
    assert "farmers" in (image.get_attribute("alt") or "")
    assert link.get_attribute("href") == image.get_attribute("src")
    drawn = image.evaluate("img => img.naturalWidth")
    assert image.evaluate("img => img.getBoundingClientRect().width") >= drawn - 1
    assert link.evaluate("a => a.scrollWidth > a.clientWidth")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    assert phone.locator("article em", has_text="Figure: the cocoa chain").is_visible()
    link.scroll_into_view_if_needed()
    screenshot(phone, "diagram-phone", full_page=False)
    # The scrolling link is focusable, so a keyboard can scroll it (axe: scrollable-region).
    from tests.e2e.test_accessibility import axe_violations

    assert axe_violations(phone) == []

    desktop = open_page(learner, width=1024)
    desktop.goto(url)
    image = desktop.locator("article img[src$='cocoa-chain.svg']")
    column = desktop.evaluate("document.querySelector('article').clientWidth")
    assert image.evaluate("img => img.getBoundingClientRect().width") <= column
