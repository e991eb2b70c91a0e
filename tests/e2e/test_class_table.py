"""The class progress table in a real browser: it uses a desktop's width, keeps the student
names in view while a phone scrolls it sideways (on the right in Arabic), and the assignment
form's date field looks like the other fields. Screenshots in English, Italian and Arabic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.e2e.test_accessibility import axe_violations

DASHBOARD = "/teach/classes/{}/"
ASSIGN = "/teach/classes/{}/assign"
MODULE = "/teach/classes/{}/modules/{module_id}/"  # with the print links
LANGUAGES = [("en-GB", "ltr"), ("it-IT", "ltr"), ("ar", "rtl")]
STUDENTS = ["Amina Diallo", "Bruno Ferreira", "Chiara Esposito-Lombardi", "Dmitri Ivanov",
            "إلياس الحسيني", "Zoë Müller"]


@pytest.fixture
def teacher_class(live_app: Flask, site: Any,
                  make_account: Callable[..., str]) -> Callable[[str], tuple[str, int]]:
    """``teacher_class("ar")``: a fresh teacher whose account language is set (choosing it
    with the switch would change a shared demo account), with a class of six students on the
    first real course; returns the username and the class id."""

    def build(locale: str) -> tuple[str, int]:
        from sqlalchemy import select

        from lms.auth.models import User
        from lms.classes.services import create_class, join_class
        from lms.db import db, utcnow

        course_id = site["course_id"]
        username = make_account("teacher", language=locale[:2])
        students = [make_account("student", display_name=name) for name in STUDENTS]
        with live_app.app_context():
            teacher_id = db.session.scalar(select(User.id).where(User.username == username))
            school_class = create_class(teacher_id, "3B – 2026/27", course_id, now=utcnow())
            for student in students:
                join_class(db.session.scalar(select(User.id).where(User.username == student)),
                           school_class.join_code, now=utcnow())
            return username, school_class.id

    return build


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box


@pytest.mark.parametrize(("locale", "direction"), LANGUAGES, ids=["en", "it", "ar"])
def test_table_fits_a_desktop(locale: str, direction: str, teacher_class: Any,
                              open_page: Callable[..., Page],
                              screenshot: Callable[..., Path]) -> None:
    """At 1280 px the table takes the window's width (it was held to 736 px) and every
    module column is on screen: nothing scrolls sideways, the last column ("Final quiz") ends
    inside the window, and no module title wraps onto more than two lines (the Italian
    titles went to four and five in narrow columns)."""
    teacher, class_id = teacher_class(locale)
    page = open_page(teacher, locale=locale, width=1280)
    page.goto(DASHBOARD.format(class_id))
    assert page.locator("html").get_attribute("dir") == direction
    scroller = page.locator(".table-scroll")
    overflow = scroller.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"the table is {overflow}px wider than its box"
    assert _box(page, ".table-scroll")["width"] >= 1150
    last = _box(page, "table.matrix thead th:last-child")
    assert last["x"] >= 0 and last["x"] + last["width"] <= 1280
    lines = page.locator("table.matrix thead th a").evaluate_all(
        "links => links.map(a => [a.textContent, Math.round(a.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(a).lineHeight))])")
    assert lines and all(count <= 2 for _, count in lines), lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # The chart's labels are drawn inside the picture (in Arabic they fell off its left edge).
    chart, label = _box(page, ".chart svg"), _box(page, ".chart svg text")
    assert chart["x"] - 1 <= label["x"]
    assert label["x"] + label["width"] <= chart["x"] + chart["width"] + 1
    # The page header (navigation, languages) takes at most two lines of links.
    header = _box(page, ".site-header")
    line = _box(page, ".site-header .brand")["height"]
    assert header["height"] <= 3 * line + 24, f"header {header['height']}px, line {line}px"
    screenshot(page, f"class-dashboard-{locale[:2]}")


@pytest.mark.parametrize(("locale", "direction"), LANGUAGES, ids=["en", "it", "ar"])
def test_names_stay_in_view_on_a_phone(locale: str, direction: str, teacher_class: Any,
                                       open_page: Callable[..., Page],
                                       screenshot: Callable[..., Path]) -> None:
    """On a 375 px phone the table scrolls inside its box; after scrolling to its far end the
    student's name is still there, at the start edge (left, or right in Arabic), on top."""
    teacher, class_id = teacher_class(locale)
    page = open_page(teacher, locale=locale, width=375, height=740, is_mobile=True,
                     has_touch=True)
    page.goto(DASHBOARD.format(class_id))
    assert page.locator("html").get_attribute("dir") == direction
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth"), "nothing to scroll"
    name = page.locator("table.matrix tbody th[scope=row]").first
    before = name.bounding_box()
    assert before is not None
    scroller.evaluate("el => el.scrollBy({left: (getComputedStyle(el).direction === 'rtl'"
                      " ? -1 : 1) * el.scrollWidth})")
    assert scroller.evaluate("el => Math.abs(el.scrollLeft)") > 100
    after = name.bounding_box()
    assert after is not None
    assert abs(after["x"] - before["x"]) <= 1, (before, after)
    assert after["x"] >= 0 and after["x"] + after["width"] <= 375
    screen_left = _box(page, ".table-scroll")["x"]
    if direction == "rtl":
        box = _box(page, ".table-scroll")
        assert abs((after["x"] + after["width"]) - (box["x"] + box["width"])) <= 2
    else:
        assert abs(after["x"] - screen_left) <= 2
    # Nothing scrolls over the name: the top element at its centre is the name's cell.
    on_top = name.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)) }")
    assert on_top
    screenshot(page, f"class-dashboard-phone-{locale[:2]}", full_page=False)


@pytest.mark.parametrize(("locale", "direction"), LANGUAGES, ids=["en", "it", "ar"])
def test_date_field_looks_like_the_others(locale: str, direction: str, teacher_class: Any,
                                          open_page: Callable[..., Page],
                                          screenshot: Callable[..., Path]) -> None:
    teacher, class_id = teacher_class(locale)
    page = open_page(teacher, locale=locale, width=1280)
    page.goto(ASSIGN.format(class_id))
    assert page.locator("html").get_attribute("dir") == direction
    styles = page.evaluate("""() => ['#target', '#due_date'].map(sel => {
        const s = getComputedStyle(document.querySelector(sel));
        const r = document.querySelector(sel).getBoundingClientRect();
        return [s.borderTopWidth, s.borderTopColor, s.borderRadius, s.fontSize,
                s.paddingTop, Math.round(r.width)]; })""")
    assert styles[0] == styles[1], styles
    screenshot(page, f"class-assign-{locale[:2]}")


@pytest.mark.parametrize("path", [DASHBOARD, ASSIGN, MODULE], ids=["dashboard", "assign", "module"])
@pytest.mark.parametrize("width", [1280, 375])
def test_class_pages_in_arabic_have_no_axe_violations(path: str, width: int, site: Any,
                                                      teacher_class: Any,
                                                      open_page: Callable[..., Page]) -> None:
    """English and Italian are covered by test_accessibility; here the teacher's pages in
    Arabic (right to left), on a desktop and a phone."""
    teacher, class_id = teacher_class("ar")
    page = open_page(teacher, width=width)
    page.goto(path.format(class_id, module_id=site["module_id"]))
    assert page.locator("html").get_attribute("dir") == "rtl"
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)
