"""The teachers' loop in chromium: two students answer a reflection, their teacher reads both
answers on one page and comments on one, the student sees the comment; a student with
overdue work sees it on the home page; ``lms reminders send`` mails one digest per teacher
to an SMTP server started here.

Screenshots (under screenshots/): reflections-board, reflections-comment-seen,
home-overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from tests.e2e.conftest import log_in
from tests.mail_support import smtp_server
from tests.servers import free_port

QUIZ = "/courses/every-type/all/every-type/"
TEACHER_EMAIL = "loop.teacher@example.org"


def _class(live_app: Flask, teacher: str, students: list[str]) -> tuple[int, int]:
    """A class on the every-type course with both students, the course due yesterday."""
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.classes import services
    from lms.classes.models import Assignment
    from lms.courses.models import Course, Item
    from lms.db import db, utcnow

    with live_app.app_context():
        ids = dict(db.session.execute(select(User.username, User.id).where(
            User.username.in_([teacher, *students]))).all())
        course = db.session.scalar(select(Course).where(Course.slug == "every-type"))
        quiz_id = db.session.scalar(select(Item.id).where(Item.course_id == course.id,
                                                          Item.kind == "quiz"))
        klass = services.create_class(ids[teacher], "2A Reflections", course.id, now=utcnow())
        for student in students:
            services.join_class(ids[student], klass.join_code, now=utcnow())
        services.assign(klass.id, course.id, None, utcnow() + timedelta(days=3), now=utcnow())
        # Assigning refuses a past date: time passes instead.
        assignment = db.session.scalar(select(Assignment).where(Assignment.class_id == klass.id))
        assignment.due_at = utcnow() - timedelta(days=1)
        db.session.commit()
        result = klass.id, quiz_id
        db.session.remove()
        return result


def _answer_reflection(page: Page, text: str) -> None:
    page.goto(QUIZ)
    page.locator("textarea").last.fill(text)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert "/attempts/1" in page.url, page.url


def test_reflections_comments_overdue_and_digest(
    live_app: Flask, open_page: Callable[..., Page], make_account: Callable[..., str],
    screenshot: Callable[..., Path],
) -> None:
    teacher = make_account("teacher", display_name="Prof Loop", email=TEACHER_EMAIL)
    amira = make_account(display_name="Amira Loop")
    bruno = make_account(display_name="Bruno Loop")
    class_id, quiz_id = _class(live_app, teacher, [amira, bruno])

    # Students answer the reflection in the browser.
    pages = {}
    for username, words in ((amira, "The farmer earned least."), (bruno, "Maybe the shop.")):
        page = pages[username] = open_page(width=390, height=844)
        log_in(page, username)
        _answer_reflection(page, words)

    # The teacher reads both answers on one page and comments on Amira's.
    desk = open_page()
    log_in(desk, teacher)
    desk.goto(f"/teach/classes/{class_id}/")
    desk.get_by_role("link", name="Reflections").click()
    desk.get_by_role("link", name="Every type").click()
    assert desk.url.endswith(f"/reflections/{quiz_id}/")
    table = desk.locator("table.reflections")
    assert "The farmer earned least." in table.inner_text()
    assert "Maybe the shop." in table.inner_text()
    row = desk.locator("tr", has_text="Amira Loop")
    row.locator("summary").click()
    row.get_by_label("Private comment").fill("Why the farmer? Think of <the> middlemen.")
    row.get_by_role("button", name="Send comment").click()
    desk.wait_for_load_state()
    assert "Comment sent" in desk.locator("main").inner_text()
    assert "Think of <the> middlemen." in desk.locator("tr", has_text="Amira Loop").inner_text()
    screenshot(desk, "reflections-board")

    # Amira sees the comment on her home page as new, then on her attempt page.
    page = pages[amira]
    page.goto("/courses/")
    home = page.locator("main").inner_text()
    assert "New comments from your teacher (1)" in home
    # Her class's course was due yesterday: it is overdue, under the class's name.
    overdue = page.locator("section.my-assignments").inner_text()
    assert "Overdue (1)" in overdue and "2A Reflections" in overdue
    screenshot(page, "home-overdue")
    page.get_by_role("link", name="Prof Loop commented on your reflection in Every type").click()
    page.wait_for_load_state()
    result = page.locator("main").inner_text()
    assert "Why the farmer? Think of <the> middlemen." in result and "New" in result
    screenshot(page, "reflections-comment-seen")
    page.goto("/courses/")
    assert "New comments from your teacher" not in page.locator("main").inner_text()
    # Bruno got no comment.
    pages[bruno].goto("/courses/")
    assert "New comments" not in pages[bruno].locator("main").inner_text()

    # The weekly digest: one per teacher, to a local SMTP server.
    port = free_port()
    saved = {k: live_app.config.get(k) for k in ("LMS_SMTP_HOST", "LMS_SMTP_PORT",
                                                  "LMS_SMTP_TLS")}
    live_app.config.update(LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=port, LMS_SMTP_TLS="none")
    try:
        with smtp_server(port) as sink:
            runner = live_app.test_cli_runner()
            result = runner.invoke(args=["reminders", "send"])
            assert result.exit_code == 0, result.output
            again = runner.invoke(args=["reminders", "send"])
            assert again.exit_code == 0, again.output
        recipients = [str(m["To"]) for m in sink.messages]
        assert len(recipients) == len(set(recipients)), recipients  # one digest each
        assert recipients.count(TEACHER_EMAIL) == 1
        body = next(m for m in sink.messages if str(m["To"]) == TEACHER_EMAIL).get_content()
        assert "2A Reflections" in body and "Amira Loop" in body and "Bruno Loop" in body
    finally:
        live_app.config.update(saved)
