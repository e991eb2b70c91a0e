"""Every page shows the pass mark of the learner's own release: the quiz page, its result
page and the course page agree, before and after the learner moves to a new version whose
pass mark differs from the one their attempts were graded with."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from lms.auth.models import User
from lms.db import db
from lms.progress.models import ItemCompletion
from tests.test_course_versions import (  # noqa: F401  (package is a fixture)
    CHECK,
    last_attempt,
    logged_in,
    package,
    score,
    set_quiz,
)

COURSE = "/courses/sample-course/"


def pages(client: FlaskClient, result_url: str) -> tuple[str, str, str]:
    return tuple(html.unescape(client.get(url).text)  # type: ignore[return-value]
                 for url in (CHECK, result_url, COURSE))


def test_a_lower_pass_mark_in_the_new_version_shows_everywhere(
    package: Path, runner: FlaskCliRunner, app: Flask,  # noqa: F811
    make_user: Callable[..., User],
) -> None:
    set_quiz(package, runner, pass_mark=60, attempts=0)
    learner = make_user()
    client = logged_in(app, learner)
    client.get(CHECK)
    result_url = score(client, learner, 5).headers["Location"]  # 50%: not passed at 60%
    set_quiz(package, runner, pass_mark=50, attempts=0)

    quiz, result, course = pages(client, result_url)  # still on the first version: 60%
    assert "Pass mark: 60%" in quiz and "Not passed yet" in quiz
    assert "You need 60% to pass." in result and "earlier version" not in result
    assert "quiz not passed: 50% of 60%" in course

    assert client.post(COURSE + "move-to-latest").status_code == 302
    quiz, result, course = pages(client, result_url)  # the new version: 50%, reached
    assert "Pass mark: 50%" in quiz and "Passed" in quiz and "Not passed yet" not in quiz
    assert "Your best score: 50%." in quiz
    assert "Well done: the pass mark is 50%." in result
    assert ("This attempt was answered in an earlier version of the course, whose pass mark "
            "was 60%.") in result
    assert "quiz not passed" not in course
    attempt = last_attempt(learner)
    assert db.session.scalar(select(ItemCompletion).where(
        ItemCompletion.user_id == learner.id, ItemCompletion.item_id == attempt.item_id))


def test_a_higher_pass_mark_keeps_the_pass_and_says_which_mark_it_was(
    package: Path, runner: FlaskCliRunner, app: Flask,  # noqa: F811
    make_user: Callable[..., User],
) -> None:
    set_quiz(package, runner, pass_mark=60, attempts=0)
    learner = make_user()
    client = logged_in(app, learner)
    client.get(CHECK)
    result_url = score(client, learner, 7).headers["Location"]  # 70%: passed at 60%
    set_quiz(package, runner, pass_mark=80, attempts=0)
    assert client.post(COURSE + "move-to-latest").status_code == 302
    quiz, result, course = pages(client, result_url)
    assert "Pass mark: 80%" in quiz and "Passed" in quiz
    assert ("Well done: this attempt reached the pass mark of the version it was answered in "
            "(60%). The version you follow now asks 80%.") in result
    assert "quiz not passed" not in course
