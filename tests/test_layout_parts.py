"""The pre-rendered site header and the reused CSRF token (lms.layout)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import make_test_app
from flask import Flask
from flask.testing import FlaskClient

from lms import layout
from lms.auth.models import User
from lms.db import db

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LESSON = "/courses/sample-course/basics/first-lesson/"


@pytest.fixture
def csrf_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    protected = make_test_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with protected.app_context():
        yield protected
        db.session.remove()
        db.engine.dispose()


def _login(client: FlaskClient, user: User) -> None:
    page = client.get("/account/login").text
    response = client.post("/account/login", data={
        "login": user.username, "password": "password123",
        "csrf_token": TOKEN.search(page).group(1)})  # type: ignore[union-attr]
    assert response.status_code == 302


def _tokens(client: FlaskClient, url: str) -> set[str]:
    return set(TOKEN.findall(client.get(url).text))


def test_one_session_gets_its_signed_token_again_within_the_minute_only(
    csrf_app: Flask, synced: None, make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(layout.time, "monotonic", lambda: clock[0])
    signed: list[str] = []
    original = layout.generate_csrf

    def counting() -> str:
        signed.append(original())
        return signed[-1]

    monkeypatch.setattr(layout, "generate_csrf", counting)
    first, second = csrf_app.test_client(), csrf_app.test_client()
    _login(first, make_user())
    _login(second, make_user())
    one = _tokens(first, LESSON)
    assert len(one) == 1  # the header's two forms and the lesson's button: one value
    count = len(signed)
    clock[0] += 30
    assert _tokens(first, LESSON) == one
    assert len(signed) == count  # not signed again
    # Never another session's: each session has its own secret and its own signature.
    other = _tokens(second, LESSON)
    assert len(other) == 1 and other != one
    # The reused value is a valid token: the button it carries works.
    token = next(iter(one))
    response = first.post(LESSON + "complete", data={"csrf_token": token})
    assert response.status_code == 302
    count = len(signed)
    clock[0] += 31  # past the minute: signed again (the same value within the same second)
    assert len(_tokens(first, LESSON)) == 1
    assert len(signed) == count + 1
    response = first.post("/courses/sample-course/basics/first-lesson/complete",
                          data={"csrf_token": "x" + token[1:]})
    assert response.status_code == 400  # a token is still checked


def test_the_header_follows_the_role_and_language_of_each_request(
    client: FlaskClient, synced: None, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    teacher, student = make_user(role="teacher"), make_user(language="it")
    login(teacher)
    teacher_page = client.get(LESSON).text
    assert 'href="/teach/classes/"' in teacher_page
    login(student)  # the same worker, another role and language
    student_page = client.get(LESSON).text
    assert 'href="/teach/classes/"' not in student_page
    assert "I miei certificati" in student_page or "Esci" in student_page
    client.post("/account/logout")
    visitor_page = client.get(LESSON).text
    assert 'action="/account/logout"' not in visitor_page
    assert 'href="/account/login"' in visitor_page


def test_the_language_switch_returns_to_this_page_escaped(
    client: FlaskClient, synced: None,
) -> None:
    client.get(LESSON)  # the header is kept with this page's path in its placeholder only
    page = client.get(LESSON + '?q="><b>x').text
    assert ('name="next" value="/courses/sample-course/basics/first-lesson/'
            '?q=&#34;&gt;&lt;b&gt;x"' in page)  # as Jinja's autoescape wrote it
    page = client.get("/courses/").text
    assert 'name="next" value="/courses/"' in page
    assert "\x1f" not in page  # no placeholder left behind
