"""A worker checks a session cookie's signature once (lms.session_cookies): what it reads
again is the same, expiry still applies, and nothing is shared between requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from lms import session_cookies
from lms.auth.models import User


def _cookie(app: Flask, data: dict[str, object]) -> str:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return str(serializer.dumps(data))


def _open(app: Flask, cookie: str) -> dict[str, object]:
    """The session one request with ``cookie`` opens (and nothing else opens one)."""
    name = app.config["SESSION_COOKIE_NAME"]
    request = app.request_class(EnvironBuilder(headers={"Cookie": f"{name}={cookie}"})
                                .get_environ())
    opened = app.session_interface.open_session(app, request)
    assert opened is not None
    return opened  # type: ignore[return-value]


@pytest.fixture
def no_second_check(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every signature check the session interface makes."""
    checks: list[str] = []
    interface = app.session_interface
    original = interface.get_signing_serializer  # type: ignore[attr-defined]

    def counting(application: Flask) -> object:
        checks.append("check")
        return original(application)

    monkeypatch.setattr(interface, "get_signing_serializer", counting)
    yield checks


def test_a_cookie_is_checked_once_and_read_the_same(
    app: Flask, no_second_check: list[str],
) -> None:
    cookie = _cookie(app, {"_user_id": "7:abc", "_fresh": True, "csrf_token": "t"})
    no_second_check.clear()
    first, second = _open(app, cookie), _open(app, cookie)
    assert first == second == {"_user_id": "7:abc", "_fresh": True, "csrf_token": "t"}
    assert no_second_check == ["check"]


def test_each_request_gets_its_own_copy(app: Flask) -> None:
    cookie = _cookie(app, {"csrf_token": "t"})
    first = _open(app, cookie)
    first["csrf_token"] = "changed"
    first["more"] = 1
    assert _open(app, cookie) == {"csrf_token": "t"}


def test_a_tampered_or_foreign_cookie_is_an_empty_session(app: Flask) -> None:
    cookie = _cookie(app, {"_user_id": "7:abc"})
    assert _open(app, cookie) == {"_user_id": "7:abc"}
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert _open(app, forged) == {}
    other = Flask("other")
    other.secret_key = "another key"
    foreign = str(SecureCookieSessionInterface().get_signing_serializer(other)
                  .dumps({"_user_id": "1:x"}))  # type: ignore[union-attr]
    assert _open(app, foreign) == {}


def test_a_new_secret_key_does_not_accept_what_the_old_one_signed(app: Flask) -> None:
    cookie = _cookie(app, {"_user_id": "7:abc"})
    assert _open(app, cookie) == {"_user_id": "7:abc"}
    app.secret_key = "rotated and the old one not kept"
    assert _open(app, cookie) == {}


def test_an_expired_cookie_is_refused_even_when_checked_before(
    app: Flask, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cookie = _cookie(app, {"_user_id": "7:abc"})
    assert _open(app, cookie) == {"_user_id": "7:abc"}
    lifetime = app.permanent_session_lifetime.total_seconds()
    now = session_cookies.time.time()
    monkeypatch.setattr(session_cookies.time, "time", lambda: now + lifetime + 5)
    assert _open(app, cookie) == {}


def test_sessions_holding_lists_are_read_afresh_each_time(
    app: Flask, no_second_check: list[str],
) -> None:
    cookie = _cookie(app, {"_flashes": [["info", "Saved."]]})
    no_second_check.clear()
    first = _open(app, cookie)
    first["_flashes"].append(["info", "Changed in one request"])  # type: ignore[attr-defined]
    assert _open(app, cookie) == {"_flashes": [["info", "Saved."]]}
    assert no_second_check == ["check", "check"]


def test_the_number_of_cookies_kept_is_bounded(
    app: Flask, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(session_cookies, "MAX_COOKIES", 3)
    cookies = [_cookie(app, {"csrf_token": str(n)}) for n in range(5)]
    for cookie in cookies:
        _open(app, cookie)
    kept = app.session_interface._verified  # type: ignore[attr-defined]
    assert [key[0] for key in kept] == cookies[2:]


def test_a_host_session_interface_of_its_own_is_left_alone() -> None:
    class ServerSide(SecureCookieSessionInterface):
        def open_session(self, app: Flask, request: object) -> None:  # type: ignore[override]
            return None

    host = Flask("host")
    host.session_interface = ServerSide()
    session_cookies.install(host)
    assert type(host.session_interface) is ServerSide


def test_signed_in_pages_keep_working_across_requests(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
    app: Flask,
) -> None:
    login(make_user())
    for _ in range(3):
        assert client.get("/account/").status_code == 200
    client.post("/account/logout")
    assert client.get("/account/").status_code == 302
    with app.test_request_context():
        assert "_user_id" not in session
