"""My account: change the password (other sessions end), add an email confirmed by a link."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.auth.models import User
from lms.db import db

Outbox = Callable[[], list[dict[str, str]]]


@pytest.fixture
def outbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    from lms.db import utcnow
    from lms.mail.outbox import send_due

    sent: list[dict[str, str]] = []

    def capture(config: object, message: EmailMessage) -> None:
        sent.append({"to": str(message["To"]), "body": str(message.get_content())})

    monkeypatch.setattr("lms.mail.transport.send_message", capture)

    def messages() -> list[dict[str, str]]:
        send_due(app.config, now=utcnow())
        return sent

    return messages


NEW = {"current_password": "password123", "password": "a new secret", "confirm": "a new secret"}


def test_changing_the_password_ends_other_sessions_only(
    app: Flask, client: FlaskClient, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    user = make_user()
    other = app.test_client()
    other.post("/account/login", data={"login": user.username, "password": "password123"})
    assert other.get("/account/").status_code == 200
    login(user)
    response = client.post("/account/password", data=NEW, follow_redirects=True)
    assert "Every other device is logged out" in response.text
    assert client.get("/account/").status_code == 200  # this session goes on
    assert other.get("/account/").status_code == 302  # the other one ended
    fresh = app.test_client()
    assert fresh.post("/account/login", data={"login": user.username,
                                              "password": "a new secret"}).status_code == 302


@pytest.mark.parametrize(("change", "message"), [
    ({"current_password": "wrong one"}, "This is not your current password"),
    ({"confirm": "different"}, "The passwords differ"),
    ({"password": "short", "confirm": "short"}, "between 8 and 128"),
])
def test_password_change_mistakes(client: FlaskClient, make_user: Callable[..., User],
                                  login: Callable[[User], None], change: dict[str, str],
                                  message: str) -> None:
    user = make_user()
    login(user)
    before = user.password_hash
    response = client.post("/account/password", data={**NEW, **change})
    assert response.status_code == 200 and message in response.text
    db.session.refresh(user)
    assert user.password_hash == before


def _link(outbox: Outbox) -> str:
    match = re.search(r"http://localhost(/account/email/\S+)", outbox()[-1]["body"])
    assert match, outbox()[-1]["body"]
    return match.group(1)


def test_an_email_is_used_only_after_its_link_is_opened(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
    outbox: Outbox,
) -> None:
    user = make_user()
    login(user)
    response = client.post("/account/email", data={"email": "Neu@Example.org",
                                                   "current_password": "password123"},
                           follow_redirects=True)
    assert "We have sent a link to neu@example.org" in response.text
    db.session.refresh(user)
    assert user.email is None  # not yet: nobody proved the address is theirs
    link = _link(outbox)
    assert outbox()[-1]["to"] == "neu@example.org"
    assert "Your email address is confirmed" in client.get(link, follow_redirects=True).text
    db.session.refresh(user)
    assert user.email == "neu@example.org"
    assert user.email_confirmed_at is not None  # the weekly digest goes to proved addresses
    again = client.get(link)  # the address changed since: the link worked once
    assert again.status_code == 400 and "This link no longer works" in again.text
    assert client.get("/account/email/forged").status_code == 400


def test_email_change_mistakes(app: Flask, client: FlaskClient, make_user: Callable[..., User],
                               login: Callable[[User], None], outbox: Outbox) -> None:
    make_user(username="owner", email="taken@example.org")
    user = make_user()
    login(user)
    taken = client.post("/account/email", data={"email": "taken@example.org",
                                                "current_password": "password123"})
    assert "Another account already uses this address" in taken.text
    wrong = client.post("/account/email", data={"email": "x@example.org",
                                                "current_password": "nope nope"})
    assert "This is not your current password" in wrong.text
    assert outbox() == []
    client.post("/account/email", data={"email": "late@example.org",
                                        "current_password": "password123"})
    link = _link(outbox)
    make_user(username="quicker", email="late@example.org")
    response = client.get(link)
    assert response.status_code == 400 and "started using this address" in response.text
    app.config["LMS_RESET_TOKEN_MAX_AGE"] = -1
    client.post("/account/email", data={"email": "other@example.org",
                                        "current_password": "password123"})
    assert client.get(_link(outbox)).status_code == 400  # expired


def test_account_page_says_certificates_keep_the_old_name(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    login(make_user())
    page = client.get("/account/").text
    assert "Certificates already issued keep the old name" in page
    assert "Change my password" in page and "Add an email address" in page


def test_the_weekly_summary_checkbox_sits_before_its_label(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    login(make_user())
    page = client.get("/account/").text
    # Inside a .choice row, input first then its label: not alone, centred, under the label.
    assert re.search(r'<div class="choice"><input [^>]*id="weekly_digest"[^>]*>\s*'
                     r'<label for="weekly_digest">', page), page


def test_an_unconfirmed_address_is_confirmed_from_my_account_and_then_gets_the_digest(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
    outbox: Outbox,
) -> None:
    # Accounts from before confirmation existed, and sign-ups, have an address nobody proved:
    # before, nothing told the student, so the weekly digest never reached them.
    from lms.classes.services import create_class, join_class
    from lms.db import utcnow
    from lms.reminders.services import students_to_remind

    teacher = make_user("teacher", email="teacher@example.org")
    student = make_user("student", email="kid@example.org")
    join_class(student.id, create_class(teacher.id, "3B", None, now=utcnow()).join_code,
               now=utcnow())
    assert students_to_remind() == []
    login(student)
    page = client.get("/account/").text
    assert "Your email address kid@example.org is not confirmed yet" in page
    assert 'action="/account/email/confirm"' in page
    sent = client.post("/account/email/confirm", follow_redirects=True)
    assert "We have sent a link to kid@example.org. Open it to confirm the address." in sent.text
    assert outbox()[-1]["to"] == "kid@example.org"
    link = _link(outbox)
    assert "Your email address is confirmed" in client.get(link, follow_redirects=True).text
    db.session.refresh(student)
    assert student.email == "kid@example.org" and student.email_confirmed_at is not None
    assert [user.id for user in students_to_remind()] == [student.id]
    assert "is not confirmed yet" not in client.get("/account/").text
    # Nothing more to confirm: no second link is sent.
    count = len(outbox())
    assert client.post("/account/email/confirm").status_code == 302
    assert len(outbox()) == count


def test_the_confirmation_prompt_is_for_students_with_an_address(
    app: Flask, make_user: Callable[..., User],
) -> None:
    for user in (make_user("student"), make_user("teacher", email="t@example.org")):
        client = app.test_client()
        assert client.post("/account/login", data={"login": user.username,
                                                   "password": "password123"}).status_code == 302
        assert "is not confirmed yet" not in client.get("/account/").text
