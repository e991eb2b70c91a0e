"""A newcomer follows a class join link, signs up and sees the class assignment on the first
page after sign-up; a 12-year-old (by year of birth) is refused with the class-account message;
an admin creates a teacher who logs in with the one-time code.

Screenshots (under screenshots/): join-login, join-signup, join-landed, signup-too-young,
admin-create-user, admin-code, admin-log, class-members-qr, class-remove, account-en,
account-password, account-email.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from tests.e2e.test_accessibility import axe_violations


def _class_with_assignment(live_app: Flask, teacher: str) -> tuple[int, str]:
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.classes import services
    from lms.courses.models import Course, Module
    from lms.db import db, utcnow

    with live_app.app_context():
        teacher_id = db.session.scalar(select(User.id).where(User.username == teacher))
        course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
        module = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                    .order_by(Module.position)).first()
        klass = services.create_class(teacher_id, "4C Ponte sul mondo", course.id, now=utcnow())
        services.assign(klass.id, course.id, module.id, utcnow() + timedelta(days=7),
                        now=utcnow())
        return klass.id, klass.join_code


def _fill_signup(page: Page, name: str, username: str, year: int) -> None:
    page.fill("#display_name", name)
    page.fill("#username", username)
    page.fill("#password", "a-long-secret-1")
    page.fill("#confirm", "a-long-secret-1")
    page.fill("#birth_year", str(year))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_newcomer_joins_through_the_link_and_signs_up(
    live_app: Flask, open_page: Callable[..., Page], make_account: Callable[..., str],
    screenshot: Callable[..., Path], login_page: Callable[..., None],
) -> None:
    from lms.db import utcnow

    teacher = make_account("teacher", display_name="Prof Marta Galli")
    class_id, code = _class_with_assignment(live_app, teacher)

    page = open_page()
    page.goto(f"/join/{code}")
    assert "/account/login" in page.url
    assert "After this step you join the class 4C Ponte sul mondo" in page.inner_text("main")
    assert not axe_violations(page)
    screenshot(page, "join-login")
    page.get_by_role("link", name="Create an account").click()
    page.wait_for_load_state()
    assert "taught by Prof Marta Galli" in page.inner_text("main")
    assert page.get_by_role("heading", name="Your data").is_visible()
    assert not axe_violations(page)
    screenshot(page, "join-signup")
    _fill_signup(page, "Yasmin Haddad", "yasmin-e2e", utcnow().year - 16)
    assert page.url.endswith("/courses/"), page.url
    main = page.inner_text("main")
    assert "Welcome to 4C Ponte sul mondo" in page.inner_text("body")
    assert "4C Ponte sul mondo" in main and "Sample course" in main
    assert not axe_violations(page)
    screenshot(page, "join-landed")

    # The teacher sees the new member, the QR code, and is asked before a removal.
    teacher_page = open_page()
    login_page(teacher_page, teacher)
    assert teacher_page.url.endswith("/teach/classes/")  # teachers land on My classes
    teacher_page.goto(f"/teach/classes/{class_id}/students/")
    qr = teacher_page.locator("figure.join-qr img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0
    screenshot(teacher_page, "class-members-qr")
    teacher_page.get_by_role("link", name="Remove Yasmin Haddad").click()
    teacher_page.wait_for_load_state()
    assert "Remove Yasmin Haddad from 4C Ponte sul mondo?" in teacher_page.inner_text("h1")
    screenshot(teacher_page, "class-remove")


def test_a_twelve_year_old_is_refused(open_page: Callable[..., Page],
                                      screenshot: Callable[..., Path]) -> None:
    from lms.db import utcnow

    for locale, heading in (("en-GB", "Ask your teacher for an account"),
                            ("it-IT", "Chiedi un account al tuo insegnante"),
                            ("ar", "اطلب حسابًا من معلّمك")):
        page = open_page(locale=locale, width=360)
        page.goto("/account/signup")
        screenshot(page, f"signup-{locale[:2]}")
        _fill_signup(page, "Tommaso Rizzi", f"tommaso-{locale[:2]}", utcnow().year - 12)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert not axe_violations(page)
        screenshot(page, f"signup-too-young-{locale[:2]}")
    page.goto("/account/login")
    page.fill("#login", "tommaso-en")
    page.fill("#password", "a-long-secret-1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/account/login" in page.url  # no account was made


def test_an_admin_creates_a_teacher_who_logs_in(
    open_page: Callable[..., Page], screenshot: Callable[..., Path],
    login_page: Callable[..., None],
) -> None:
    admin = open_page()
    login_page(admin, "admin")
    admin.goto("/admin/users/")
    admin.get_by_role("link", name="Create an account").click()
    admin.wait_for_load_state()
    admin.fill("#display_name", "Renata Costa")
    admin.fill("#username", "rcosta-e2e")
    admin.select_option("#role", "teacher")
    screenshot(admin, "admin-create-user")
    admin.get_by_role("button", name="Create the account").click()
    admin.wait_for_load_state()
    code = admin.locator("code.join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert not axe_violations(admin)
    screenshot(admin, "admin-code")
    admin.goto("/admin/log/")
    assert "created the account (Teacher)" in admin.inner_text("main")
    screenshot(admin, "admin-log")

    teacher = open_page()
    login_page(teacher, "rcosta-e2e", code)
    assert teacher.url.endswith("/account/new-password")
    teacher.fill("#password", "renata-nuova-2026")
    teacher.fill("#confirm", "renata-nuova-2026")
    teacher.locator("main form button[type=submit]").click()
    teacher.wait_for_load_state()
    assert "/account/new-password" not in teacher.url


def test_account_pages(open_page: Callable[..., Page], make_account: Callable[..., str],
                       screenshot: Callable[..., Path]) -> None:
    user = make_account()
    page = open_page(user)
    for path, name in (("/account/", "account-en"), ("/account/password", "account-password"),
                       ("/account/email", "account-email")):
        page.goto(path)
        assert not axe_violations(page)
        screenshot(page, name)
