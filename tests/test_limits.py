"""Limits that fit a classroom: a class behind one school address logs in and joins without a
refusal, while guessing one account's password or a class code is still stopped; and the
start-up warning when the counts cannot be shared between processes.

Every limit a test counts to is "per hour" (a window that starts at the first attempt), so no
window can roll over while a test runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.auth.services import create_user
from lms.db import db, utcnow
from lms.limits import limiter
from tests.conftest import make_test_app

CLASS_SIZE = 30


@contextmanager
def limited_app(database_url: str, tmp_path: Path, **limits: Any) -> Iterator[Flask]:
    """A second app on the fixture's (migrated) database, with the limits switched on."""
    app = make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True, **limits)
    limiter.reset()
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.reset()


def make_pupils(count: int) -> list[str]:
    names = [f"pupil{number:02d}" for number in range(count)]
    for name in names:
        create_user(username=name, password="password123", display_name=name.title())
    return names


def make_class_code() -> str:
    from lms.classes.services import create_class

    teacher = create_user(username="teacher", password="password123", display_name="Teacher",
                          role="teacher")
    return create_class(teacher.id, "3B", None, now=utcnow()).join_code


def log_in(client: FlaskClient, username: str, password: str = "password123") -> int:
    return client.post("/account/login", data={"login": username, "password": password}
                       ).status_code


def test_a_class_behind_one_address_logs_in_and_one_account_is_still_guarded(
        app: Flask, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The address limit is the shipped default; before, 10 logins a minute per address
    # refused the 11th pupil.
    with limited_app(database_url, tmp_path, LMS_LOGIN_ACCOUNT_LIMIT="10 per hour") as limited:
        pupils = make_pupils(CLASS_SIZE)
        codes = [log_in(limited.test_client(), name) for name in pupils]
        assert codes == [302] * CLASS_SIZE

        guesser = limited.test_client()
        with caplog.at_level(logging.WARNING, logger="lms.auth.views"):
            wrong = [log_in(guesser, pupils[0], f"guess-{n}") for n in range(10)]
        assert wrong == [200] * 10
        refused = guesser.post("/account/login",
                               data={"login": pupils[0], "password": "guess-10"})
        assert refused.status_code == 429
        assert refused.headers["X-RateLimit-Limit"] == "10"
        # Locked for the window, even with the right password (or a guesser would learn it)...
        assert log_in(limited.test_client(), pupils[0]) == 429
        # ...also when typed differently, while the rest of the class carries on.
        assert log_in(limited.test_client(), f"  {pupils[0].upper()} ") == 429
        assert log_in(limited.test_client(), pupils[1]) == 302

        failures = [r.getMessage() for r in caplog.records if "failed login" in r.getMessage()]
        assert len(failures) == 10
        assert failures[0] == f"failed login for '{pupils[0]}' from 127.0.0.1"
        assert not any("guess-" in r.getMessage() for r in caplog.records)


def test_failed_logins_from_one_address_are_capped(app: Flask, database_url: str,
                                                   tmp_path: Path) -> None:
    # Spraying one password over many accounts: each account stays under its own limit.
    with limited_app(database_url, tmp_path, LMS_LOGIN_LIMIT="5 per hour",
                     LMS_LOGIN_ACCOUNT_LIMIT="10 per hour") as limited:
        make_pupils(1)
        client = limited.test_client()
        assert [log_in(client, f"ghost{n}", "password123") for n in range(5)] == [200] * 5
        assert log_in(client, "ghost5") == 429
        assert log_in(client, "pupil00") == 429  # the address is out of attempts


def test_a_class_joins_from_one_address_and_code_guessing_is_stopped(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    with limited_app(database_url, tmp_path, LMS_JOIN_ACCOUNT_LIMIT="10 per hour") as limited:
        code = make_class_code()
        pupils = make_pupils(CLASS_SIZE + 1)
        for name in pupils[:CLASS_SIZE]:
            client = limited.test_client()
            assert log_in(client, name) == 302
            assert client.post("/join", data={"code": code}).status_code == 302, name

        guesser = limited.test_client()
        assert log_in(guesser, pupils[-1]) == 302
        codes = [guesser.post("/join", data={"code": f"ZZZZ{n}Z"}).status_code
                 for n in range(11)]
        assert codes == [200] * 10 + [429]
        # The classmates behind the same address are not locked out by one guesser.
        late = limited.test_client()
        assert log_in(late, pupils[0]) == 302
        assert late.post(f"/join/{code}", data={"code": code}).status_code == 302


def test_guessing_codes_through_join_links_is_stopped_too(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    # Before, only the form's POST was limited: GET /join/<code> names the class a code opens,
    # so reading links guessed codes without any limit.
    with limited_app(database_url, tmp_path, LMS_JOIN_ACCOUNT_LIMIT="10 per hour") as limited:
        code = make_class_code()
        pupils = make_pupils(2)

        guesser = limited.test_client()
        assert log_in(guesser, pupils[0]) == 302
        # A correct link does not use up the allowance, however often it is opened.
        assert [guesser.get(f"/join/{code}").status_code for _ in range(12)] == [200] * 12
        misses = [guesser.get(f"/join/ZZZZ{n}Z").status_code for n in range(10)]
        assert misses == [200] * 10
        refused = guesser.get("/join/ZZZZ99")
        assert refused.status_code == 429
        assert "Too many requests" in refused.text
        # The form and the link share the count: the guesser cannot switch to the other.
        assert guesser.post("/join", data={"code": "ZZZZ98"}).status_code == 429

        classmate = limited.test_client()
        assert log_in(classmate, pupils[1]) == 302
        assert classmate.get(f"/join/{code}").status_code == 200


def test_login_and_sign_up_pages_do_not_name_classes_for_guessed_codes(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    # They name the class of a join link in ``next`` to anyone, logged in or not: before, that
    # was a way around the join limits.
    with limited_app(database_url, tmp_path, LMS_JOIN_LIMIT="3 per hour") as limited:
        code = make_class_code()
        visitor = limited.test_client()
        for _ in range(5):  # a correct link counts nothing
            page = visitor.get(f"/account/login?next=/join/{code}")
            assert page.status_code == 200 and "After this step you join the class 3B" in page.text
        misses = [visitor.get(f"/account/{where}?next=/join/ZZZZ{n}Z").status_code
                  for n, where in enumerate(["login", "signup", "login"])]
        assert misses == [200] * 3
        assert visitor.get(f"/account/signup?next=/join/{code}").status_code == 429
        assert visitor.get("/account/login").status_code == 200  # without a join link: as ever
        # Logging in with a guessed code in ``next`` joins nothing once the address is out.
        make_pupils(1)
        signed_in = visitor.post("/account/login", data={
            "login": "pupil00", "password": "password123", "next": f"/join/{code}"})
        assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/join")


def test_reset_requests_are_limited_per_email_address(app: Flask, database_url: str,
                                                      tmp_path: Path) -> None:
    with limited_app(database_url, tmp_path, LMS_RESET_ACCOUNT_LIMIT="3 per hour") as limited:
        client = limited.test_client()
        asks = [client.post("/account/reset", data={"email": "Victim@example.org"}).status_code
                for _ in range(3)]
        assert asks == [302] * 3
        assert client.post("/account/reset",
                           data={"email": " victim@EXAMPLE.org"}).status_code == 429
        assert client.post("/account/reset",
                           data={"email": "someone@example.org"}).status_code == 302


@pytest.mark.parametrize(("environment", "config", "loud"), [
    ({"SERVER_SOFTWARE": "gunicorn/23.0.0"}, {}, True),
    ({"LMS_ENV": "production", "LMS_SECRET_KEY": "k", "LMS_BASE_URL": "https://learn.example.org"},
     {}, True),
    ({"WEB_CONCURRENCY": "2"}, {"RATELIMIT_STORAGE_URI": "memory://"}, True),
    ({"SERVER_SOFTWARE": "gunicorn/23.0.0"}, {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"},
     False),
    ({"SERVER_SOFTWARE": "gunicorn/23.0.0", "LMS_RATELIMIT_STORAGE_URI": "redis://x:1/0"}, {},
     False),
    ({}, {}, False),  # development, one process: memory is right
])
def test_start_up_says_loudly_when_limits_are_counted_per_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        environment: dict[str, str], config: dict[str, str], loud: bool) -> None:
    for variable in ("SERVER_SOFTWARE", "WEB_CONCURRENCY", "LMS_RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    with caplog.at_level(logging.WARNING, logger="lms.limits"):
        app = make_test_app("sqlite://", tmp_path, RATELIMIT_ENABLED=True, **config)
    warnings = [r for r in caplog.records if "RATE LIMITS ARE NOT SHARED" in r.getMessage()]
    assert bool(warnings) is loud
    if loud:
        assert warnings[0].levelno == logging.WARNING
        assert "LMS_RATELIMIT_STORAGE_URI=redis://" in warnings[0].getMessage()
    if "LMS_RATELIMIT_STORAGE_URI" in environment:
        assert app.config["RATELIMIT_STORAGE_URI"] == "redis://x:1/0"
    make_test_app("sqlite://", tmp_path)  # the limiter back in memory for the next tests


def test_limits_are_read_from_the_environment(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_LOGIN_ACCOUNT_LIMIT", "5 per hour")
    monkeypatch.setenv("LMS_JOIN_LIMIT", "100 per hour")
    app = make_test_app("sqlite://", tmp_path)
    assert app.config["LMS_LOGIN_ACCOUNT_LIMIT"] == "5 per hour"
    assert app.config["LMS_JOIN_LIMIT"] == "100 per hour"
    assert app.config["LMS_LOGIN_LIMIT"] == "30 per minute; 300 per hour"


def test_the_refusal_page_says_how_long_to_wait_for_the_limit_that_was_hit(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    # Before, every refusal said "wait a minute", even for a limit per hour.
    with limited_app(database_url, tmp_path, LMS_LOGIN_LIMIT="2 per hour") as limited:
        client = limited.test_client()
        assert [log_in(client, f"ghost{n}") for n in range(2)] == [200] * 2
        refused = client.post("/account/login", data={"login": "ghost2", "password": "x"})
        assert refused.status_code == 429
        assert "Please wait 1 hour and try again." in refused.text
        italian = client.post("/account/login", data={"login": "ghost3", "password": "x"},
                              headers={"Accept-Language": "it"})
        assert italian.status_code == 429 and "Aspetta 1 ora e riprova." in italian.text


def test_pages_without_a_limit_skip_the_limiter_and_limited_ones_still_count(
    app: Flask, database_url: str, tmp_path: Path,
) -> None:
    with limited_app(database_url, tmp_path, LMS_LOGIN_LIMIT="3 per hour") as limited:
        # Each limit decorates its view; no hook runs before every page for nothing.
        assert limiter._check_request_limit not in limited.before_request_funcs.get(None, [])
        make_pupils(1)
        client = limited.test_client()
        for _ in range(50):
            assert client.get("/courses/").status_code == 200
        assert [log_in(client, "pupil00", "wrong") for _ in range(4)] == [200, 200, 200, 429]


def test_a_limit_on_every_page_set_by_the_operator_still_applies(
    app: Flask, database_url: str, tmp_path: Path,
) -> None:
    with limited_app(database_url, tmp_path, RATELIMIT_DEFAULT="2 per hour") as limited:
        client = limited.test_client()
        assert [client.get("/courses/").status_code for _ in range(3)] == [200, 200, 429]
