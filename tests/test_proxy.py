"""Behind a proxy (``LMS_TRUSTED_PROXIES``): each client is itself for the limits and the log,
HTTPS is recognised; with no trusted proxy the X-Forwarded-* headers cannot be forged."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, request, url_for

from lms.config import ConfigError
from lms.db import db
from lms.limits import limiter
from tests.conftest import make_test_app

# Documentation addresses (RFC 5737): two pupils at home, behind the school's nginx.
FIRST, SECOND = "203.0.113.5", "198.51.100.7"


def wrong_logins(app: Flask, forwarded_for: str, count: int) -> list[int]:
    client = app.test_client()
    return [client.post("/account/login", data={"login": f"ghost{n}", "password": "x" * 8},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for n in range(count)]


def limited_app(database_url: str, tmp_path: Path, proxies: object) -> Flask:
    return make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                         LMS_TRUSTED_PROXIES=proxies, LMS_LOGIN_LIMIT="3 per hour")


@pytest.mark.parametrize("proxies", [1, "1"], ids=["number", "text"])
def test_behind_one_proxy_each_client_has_its_own_limit(
        app: Flask, database_url: str, tmp_path: Path, proxies: object,
        caplog: pytest.LogCaptureFixture) -> None:
    limited = limited_app(database_url, tmp_path, proxies)
    limiter.reset()
    try:
        with limited.app_context(), caplog.at_level("WARNING", logger="lms.auth.views"):
            assert wrong_logins(limited, FIRST, 4) == [200, 200, 200, 429]
            # The proxy appends the real address to whatever the client sent: the last wins.
            assert wrong_logins(limited, f"{FIRST}, {SECOND}", 1) == [200]
            assert f"from {SECOND}" in caplog.records[-1].getMessage()
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.reset()


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    limited = limited_app(database_url, tmp_path, 0)
    limiter.reset()
    try:
        with limited.app_context():
            # Each attempt claims another address; they all come from 127.0.0.1.
            codes = [wrong_logins(limited, f"203.0.113.{n}", 1)[0] for n in range(4)]
            assert codes == [200, 200, 200, 429]
            page = limited.test_client().get("/courses/",
                                              headers={"X-Forwarded-Proto": "https"})
            assert "Strict-Transport-Security" not in page.headers
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.reset()


def test_https_at_the_proxy_is_recognised(app: Flask, database_url: str,
                                          tmp_path: Path) -> None:
    proxied = make_test_app(database_url, tmp_path, LMS_TRUSTED_PROXIES=1)
    proxied.add_url_rule("/probe", "probe", lambda: {
        "secure": request.is_secure,
        "url": url_for("lms.courses.catalogue", _external=True),
    })
    with proxied.app_context():
        client = proxied.test_client()
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "learn.example.org",
                   "X-Forwarded-For": FIRST}
        page = client.get("/courses/", headers=headers)
        assert "max-age=" in page.headers["Strict-Transport-Security"]
        probe = client.get("/probe", headers=headers).get_json()
        assert probe == {"secure": True, "url": "https://learn.example.org/courses/"}
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_wrong_proxy_count_stops_start_up_with_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LMS_TRUSTED_PROXIES", value)
    with pytest.raises(ConfigError, match="^LMS_TRUSTED_PROXIES"):
        make_test_app("sqlite://", tmp_path)


def test_the_proxy_count_is_read_from_the_environment(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_TRUSTED_PROXIES", "2")
    assert make_test_app("sqlite://", tmp_path).config["LMS_TRUSTED_PROXIES"] == 2
    monkeypatch.delenv("LMS_TRUSTED_PROXIES")
    assert make_test_app("sqlite://", tmp_path).config["LMS_TRUSTED_PROXIES"] == 0
