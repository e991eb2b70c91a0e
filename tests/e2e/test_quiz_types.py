"""A learner answers every question type in chromium and sees a full score with feedback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from tests.e2e.conftest import log_in
from tests.test_quiz_taking import perfect

QUIZ = "/courses/every-type/all/every-type/"


def test_every_question_type_in_the_browser(
    open_page: Callable[..., Page], make_account: Callable[..., str], live_app: Flask,
    screenshot: Callable[..., Path],
) -> None:
    from lms.auth.models import User
    from lms.db import db
    from lms.quizzes.models import QuizAttempt

    username = make_account()
    page = open_page(width=390, height=844)
    log_in(page, username)
    page.goto(QUIZ)
    with live_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        attempt = db.session.scalar(select(QuizAttempt).where(
            QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_(None)))
        assert attempt is not None
        questions = attempt.questions
        db.session.remove()
    kinds = set()
    for question in questions:
        key, kind, values = question["key"], question["type"], perfect(question)
        kinds.add(kind)
        if kind in ("single", "true-false", "multiple"):
            for value in values:
                page.check(f"input[name='{key}'][value='{value}']")
        elif kind in ("short", "numeric", "reflection"):
            page.fill(f"[name='{key}']", values[0])
        elif kind in ("ordering", "matching"):
            for index, value in enumerate(values):
                page.locator(f"select[name='{key}']").nth(index).select_option(value)
        elif kind == "cloze":
            for index, value in enumerate(values):
                page.locator(f"input[name='{key}']").nth(index).fill(value)
    assert kinds >= {"single", "multiple", "true-false", "short", "numeric", "ordering",
                     "matching", "cloze", "reflection"}
    screenshot(page, "quiz-every-type-filled")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    result = page.locator("main").inner_text()
    assert "/attempts/1" in page.url and "100%" in result, result[:500]
    assert "Passed" in result
    screenshot(page, "quiz-every-type-result")
