"""One rounding rule for percentages (lms.percent): down, so a score below the pass mark never
reads as the pass mark."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import update

from lms.auth.models import User
from lms.db import db
from lms.percent import percent_of, shown_percent
from lms.quizzes.models import QuizAttempt
from tests.test_quiz_taking import CHECK, learner, take  # noqa: F401  (fixture)


@pytest.mark.parametrize(("value", "shown"), [
    (69.6, 69), (69.99, 69), (100 * 0.7, 70), (69.9999999999, 70), (49.5, 49), (0.4, 0),
    (99.9, 99), (100.0, 100), (None, 0), (float("nan"), 0), (-0.0, 0), (100.0000001, 100),
])
def test_shown_percent_rounds_down(value: float | None, shown: int) -> None:
    assert shown_percent(value) == shown


def test_part_of_a_whole_rounds_down() -> None:
    assert percent_of(2, 3) == 66 and percent_of(199, 200) == 99 and percent_of(3, 3) == 100
    assert percent_of(0, 0) == 0 and percent_of(0, 0, empty=100) == 100


def test_the_template_filter_uses_the_rule(app: Flask) -> None:
    with app.test_request_context():
        assert render_template_string("{{ 69.6 | percent }}%") == "69%"


def test_a_score_just_below_the_pass_mark_never_shows_as_the_pass_mark(
        client: FlaskClient, learner: User) -> None:  # noqa: F811
    def wrong(question: dict[str, Any]) -> list[str]:
        if question["type"] == "true-false":
            return ["true"]
        return [next(f"o{i + 1}" for i, o in enumerate(question["config"]["options"])
                     if not o["correct"])]

    response = take(client, learner, CHECK, "check", wrong)
    # The sample quiz's pass mark is 50%: a stored 49.6 must read 49%, on every page.
    db.session.execute(update(QuizAttempt).values(score_percent=49.6))
    db.session.commit()
    assert "Your result: 49%" in client.get(response.headers["Location"]).text
    assert "quiz not passed: 49% of 50%" in client.get("/courses/sample-course/").text
    assert "Your best score: 49%." in client.get(CHECK).text
