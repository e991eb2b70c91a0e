"""Security headers, rate limits and sessions that end when the password changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from lms.auth.models import User
from lms.db import db
from tests.conftest import make_test_app


def test_lms_pages_send_security_headers(client: FlaskClient) -> None:
    response = client.get("/courses/")
    csp = response.headers["Content-Security-Policy"]
    assert ("script-src 'self'" in csp
            and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0])
    assert "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/courses/", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_frame_ancestors_is_configurable(app: Flask, client: FlaskClient) -> None:
    app.config["LMS_FRAME_ANCESTORS"] = "'self' https://www.example-ngo.org"
    csp = client.get("/courses/").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.example-ngo.org" in csp


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient,
                                                 make_user: Callable[..., User]) -> None:
    user = make_user()
    response = client.post("/account/login", data={"login": user.username,
                                                    "password": "password123"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "s3cret-for-production-test")
    monkeypatch.setenv("LMS_BASE_URL", "https://learn.example.org")
    app = make_test_app("sqlite://", tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_login_is_rate_limited_without_revealing_accounts(app: Flask, database_url: str,
                                                          tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                        LMS_LOGIN_LIMIT="3 per minute")
    from lms.limits import limiter

    limiter.reset()
    client = app.test_client()
    with app.app_context():
        codes = [client.post("/account/login",
                             data={"login": "ghost", "password": "x" * 8}).status_code
                 for _ in range(4)]
        limited = client.post("/account/login", data={"login": "ghost", "password": "x" * 8})
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        assert "Too many requests" in limited.text
        assert client.get("/account/login").status_code == 200  # only POSTs count
        db.session.remove()
        db.engine.dispose()
    limiter.reset()


def test_password_change_ends_other_sessions(app: Flask, make_user: Callable[..., User]) -> None:
    from lms.auth.services import hash_password

    user = make_user()
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/account/login", data={"login": user.username, "password": "password123"})
        assert client.get("/account/").status_code == 200
    stored = db.session.get(User, user.id)
    assert stored is not None
    stored.password_hash = hash_password("a new password")
    db.session.commit()
    assert first.get("/account/").status_code == 302
    assert second.get("/account/").status_code == 302


def test_join_codes_are_rate_limited(app: Flask, database_url: str, tmp_path: Path) -> None:
    # ``app`` (the fixture) has migrated the database; this second app shares it.
    app = make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                        LMS_JOIN_LIMIT="3 per minute")
    from lms.auth.services import create_user
    from lms.limits import limiter

    limiter.reset()
    client = app.test_client()
    with app.app_context():
        user = create_user(username="guesser", password="password123", display_name="G")
        client.post("/account/login", data={"login": user.username, "password": "password123"})
        codes = [client.post("/join", data={"code": f"ZZZZ{n}Z"}).status_code for n in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        db.session.remove()
        db.engine.dispose()
    limiter.reset()
