"""Sign-up: a short privacy notice, the year of birth, and no self-registration under the age
of digital consent (LMS_AGE_OF_CONSENT, default 14); nothing about the age is stored."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.auth.consent import old_enough
from lms.auth.models import User
from lms.db import db, utcnow

SIGNUP = {"display_name": "Sara Neri", "username": "sara", "email": "",
          "password": "correct horse", "confirm": "correct horse"}


@pytest.mark.parametrize(("born", "today", "expected"), [
    (2012, date(2026, 12, 31), False),  # 14 only if the birthday has passed: not certain
    (2011, date(2026, 1, 1), True),  # at least 14 since 31 December 2025
    (2014, date(2026, 6, 1), False),  # 12
    (1990, date(2026, 6, 1), True),
])
def test_old_enough_counts_from_the_end_of_the_year_of_birth(born: int, today: date,
                                                             expected: bool) -> None:
    assert old_enough(born, 14, today) is expected


def test_zero_turns_the_check_off() -> None:
    assert old_enough(2025, 0, date(2026, 1, 1))


def test_a_twelve_year_old_is_refused_kindly_and_nothing_is_stored(client: FlaskClient) -> None:
    year = utcnow().year - 12
    response = client.post("/account/signup", data={**SIGNUP, "birth_year": str(year)})
    assert response.status_code == 200
    assert "To create an account yourself you need to be at least 14 years old" in response.text
    assert "your teacher can create a class account for you" in response.text
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_an_adult_signs_up_and_no_age_is_stored(client: FlaskClient) -> None:
    response = client.post("/account/signup", data={**SIGNUP, "birth_year": "2001"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "sara"))
    assert user is not None
    assert not any("birth" in column.name for column in User.__table__.columns)


@pytest.mark.parametrize(("year", "message"), [
    ("", "Please enter the year you were born"),
    ("99", "Please enter a year with four digits"),
    ("twelve", "Not a valid integer value"),
])
def test_year_of_birth_mistakes(client: FlaskClient, year: str, message: str) -> None:
    response = client.post("/account/signup", data={**SIGNUP, "birth_year": year})
    assert response.status_code == 200 and message in response.text
    assert 'id="birth_year-error"' in response.text


def test_the_threshold_comes_from_the_settings(app: Flask, client: FlaskClient) -> None:
    app.config["LMS_AGE_OF_CONSENT"] = 16
    year = utcnow().year - 16  # certainly 15, perhaps 16
    response = client.post("/account/signup", data={**SIGNUP, "birth_year": str(year)})
    assert "at least 16 years old" in response.text


def test_the_privacy_notice_is_in_the_learners_language(client: FlaskClient) -> None:
    page = client.get("/account/signup", headers={"Accept-Language": "it"}).text
    assert "I tuoi dati" in page and "Anno di nascita" in page
    english = client.get("/account/signup", headers={"Accept-Language": "en"}).text
    assert "Your teachers see your name and progress" in english
