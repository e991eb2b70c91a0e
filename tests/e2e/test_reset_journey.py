"""An email-less learner forgets her password: her teacher confirms a reset, prints a one-time
code, she logs in with it and must choose a new password before anything else.

Screenshots (under screenshots/): reset-confirm, reset-code, reset-choose-password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from tests.e2e.test_accessibility import axe_violations


def test_teacher_reset_with_a_one_time_code(live_app: Flask, open_page: Callable[..., Page],
                                            make_account: Callable[..., str],
                                            screenshot: Callable[..., Path],
                                            login_page: Callable[..., None]) -> None:
    from lms.auth.models import User
    from lms.classes import services
    from lms.db import db, utcnow

    teacher = make_account("teacher", display_name="Giulia Bianchi")
    with live_app.app_context():
        teacher_id = db.session.query(User.id).filter_by(username=teacher).scalar()
        school_class = services.create_class(teacher_id, "2A Cittadinanza", None, now=utcnow())
        class_id = school_class.id
        kid = services.create_student_accounts(class_id, teacher_id, ["Lucia Ferri"],
                                               now=utcnow())[0]

    page = open_page()
    login_page(page, teacher)
    page.goto(f"/teach/classes/{class_id}/students/")
    page.get_by_role("link", name="Reset password for Lucia Ferri").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Reset the password of Lucia Ferri"
    assert not axe_violations(page)
    screenshot(page, "reset-confirm")
    page.get_by_role("button", name="Make a one-time code").click()
    page.wait_for_load_state()
    code = page.locator("code.join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert page.get_by_role("link", name="Download the login card (PDF)").is_visible()
    assert not axe_violations(page)
    screenshot(page, "reset-code")
    page.reload()
    assert page.locator("code.join-code").count() == 0  # shown once; no second code

    learner = open_page()
    login_page(learner, kid.username, code)
    assert learner.url.endswith("/account/new-password")
    learner.goto("/courses/")
    assert learner.url.endswith("/account/new-password")  # nothing else until she chooses
    assert not axe_violations(learner)
    screenshot(learner, "reset-choose-password")
    learner.fill("#password", "lucia-nuova-2026")
    learner.fill("#confirm", "lucia-nuova-2026")
    learner.get_by_role("button", name="Save the new password").click()
    learner.wait_for_load_state()
    assert learner.url.endswith("/courses/")
    assert "Your new password is saved" in learner.content()
