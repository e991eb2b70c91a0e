"""The one-time code kept in the session between the POST that makes it and the page that shows
it: sealed with AES-GCM under an HKDF key (lms.resets.shown_code), and a session sealed by an
earlier release, or one that cannot be unsealed, shows the normal "shown once" page, never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from lms.auth.models import User
from lms.classes import services as classes
from lms.db import utcnow
from lms.resets.shown_code import SHOWN_KEY

CODE_RE = re.compile(r'<code class="join-code">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>')


def _teacher_and_student(make_user: Callable[..., User], login: Callable[[User], None]
                         ) -> tuple[str, int, str]:
    teacher = make_user("teacher", display_name="Anna Teacher")
    login(teacher)
    school_class = classes.create_class(teacher.id, "Class A", None, now=utcnow())
    student = classes.create_student_accounts(school_class.id, teacher.id, ["Alice Martini"],
                                              now=utcnow())[0]
    url = f"/teach/classes/{school_class.id}/students/{student.user_id}/reset"
    return url, student.user_id, student.username


def _old_release_seal(app: Flask, user_id: int, code: str) -> dict[str, object]:
    """What the release before sealed: an HMAC-SHA256 keystream XORed with the code."""
    nonce = secrets.token_hex(16)
    key = str(app.config["SECRET_KEY"]).encode()
    pad = hmac.new(key, b"lms-reset-code:" + nonce.encode(), hashlib.sha256).digest()
    plain = code.encode()
    return {"user_id": user_id, "nonce": nonce,
            "sealed": bytes(a ^ b for a, b in zip(plain, pad[:len(plain)], strict=True)).hex(),
            "expires_at": (utcnow() + timedelta(days=7)).isoformat()}


def test_the_code_is_sealed_with_aes_gcm_and_shown_once(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    url, student_id, username = _teacher_and_student(make_user, login)
    made = client.post(url)
    assert made.status_code == 303
    with client.session_transaction() as session:
        kept = dict(session[SHOWN_KEY])
    assert kept["v"] == 2 and kept["user_id"] == student_id
    assert set(kept) == {"v", "user_id", "sealed", "expires_at"}

    page = client.get(made.headers["Location"])
    match = CODE_RE.search(page.text)
    assert page.status_code == 200 and match, page.text
    code = match.group(1)
    assert code.replace("-", "") not in str(kept) and code not in str(kept)
    with client.session_transaction() as session:
        assert SHOWN_KEY not in session
    # The code shown is the one that works.
    learner = app.test_client()
    signed_in = learner.post("/account/login", data={"login": username, "password": code})
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/account/new-password")


def _shown_once_page(client: FlaskClient, url: str) -> str:
    page = client.get(url + "/code")
    assert page.status_code == 200
    assert not CODE_RE.search(page.text)
    assert "shown once" in page.text
    with client.session_transaction() as session:
        assert SHOWN_KEY not in session  # dropped, not left to fail again
    return page.text


def test_a_code_sealed_by_the_earlier_release_shows_the_shown_once_page(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    url, student_id, _ = _teacher_and_student(make_user, login)
    with client.session_transaction() as session:
        session[SHOWN_KEY] = _old_release_seal(app, student_id, "ABCD2345WXYZ")
    _shown_once_page(client, url)


def _flip_last_bit(sealed: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sealed))
    raw[-1] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).decode("ascii")


def test_a_code_that_cannot_be_unsealed_shows_the_shown_once_page(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    url, student_id, _ = _teacher_and_student(make_user, login)
    made = client.post(url)
    with client.session_transaction() as session:
        kept = dict(session[SHOWN_KEY])
    broken = [
        {**kept, "sealed": _flip_last_bit(kept["sealed"])},  # not what was sealed
        {**kept, "expires_at": (utcnow() + timedelta(days=365)).isoformat()},  # bound to it
        {**kept, "sealed": "not base64!"},
        {"v": 2, "user_id": student_id},
    ]
    assert made.status_code == 303
    for value in broken:
        with client.session_transaction() as session:
            session[SHOWN_KEY] = value
        _shown_once_page(client, url)
