"""Accounts as learners use them: sign up, log in and out, reset a forgotten password."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.auth.models import User

SIGNUP = {"display_name": "Amina Kone", "username": "amina", "email": "amina@example.org",
          "password": "correct horse", "confirm": "correct horse",
          "birth_year": "2000"}


def test_sign_up_logs_the_learner_in(client: FlaskClient) -> None:
    response = client.post("/account/signup", data=SIGNUP, follow_redirects=True)
    assert response.status_code == 200
    assert "Welcome, Amina Kone!" in response.text
    assert "Log out" in response.text


def test_password_is_stored_with_a_modern_kdf(client: FlaskClient, app: Flask) -> None:
    app.config.pop("LMS_PASSWORD_HASH_METHOD")
    client.post("/account/signup", data=SIGNUP)
    from lms.db import db

    user = db.session.query(User).filter_by(username="amina").one()
    assert user.password_hash.startswith("scrypt:")
    assert "correct horse" not in user.password_hash


@pytest.mark.parametrize(("change", "message"), [
    ({"username": "taken"}, "This username is taken"),
    ({"email": "taken@example.org"}, "An account with this email already exists"),
    ({"display_name": "   "}, "This field is required"),
    ({"display_name": "\u200b\u0007"}, "Please enter a name"),
    ({"display_name": "x" * 121}, "Field cannot be longer than 120 characters"),
    ({"username": "A B"}, "Use 3 to 32 lowercase letters"),
    ({"password": "short", "confirm": "short"}, "Field must be between 8 and 128 characters long"),
    ({"confirm": "something else"}, "The passwords differ"),
    ({"email": "not-an-email"}, "Invalid email address"),
])
def test_sign_up_mistakes_get_a_form_error(client: FlaskClient, make_user: Callable[..., User],
                                           change: dict[str, str], message: str) -> None:
    make_user(username="taken", email="taken@example.org")
    response = client.post("/account/signup", data={**SIGNUP, **change})
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text


def test_email_is_optional_for_minors(client: FlaskClient) -> None:
    response = client.post("/account/signup", data={**SIGNUP, "email": ""})
    assert response.status_code == 302


def test_login_with_username_or_email_and_wrong_password(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(username="bruno", email="bruno@example.org")
    wrong = client.post("/account/login", data={"login": "bruno", "password": "nope-nope"})
    assert wrong.status_code == 200 and "Wrong username or password." in wrong.text
    unknown = client.post("/account/login", data={"login": "nobody", "password": "password123"})
    assert "Wrong username or password." in unknown.text
    ok = client.post("/account/login", data={"login": "BRUNO@example.org ",
                                            "password": "password123"})
    assert ok.status_code == 302


def test_login_never_redirects_to_another_site(client: FlaskClient,
                                               make_user: Callable[..., User]) -> None:
    user = make_user()
    response = client.post("/account/login", data={
        "login": user.username, "password": "password123", "next": "//evil.example/"})
    assert response.headers["Location"] == "/courses/"


def test_logout_is_a_post_with_csrf(app: Flask, client: FlaskClient, make_user: Callable[..., User],
                                    login: Callable[[User], None]) -> None:
    login(make_user())
    assert client.get("/account/logout").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/logout").status_code == 400
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/account/logout").status_code == 302
    assert client.get("/account/").status_code == 302  # back to the login page


def test_forms_refuse_posts_without_csrf_token(app: Flask, client: FlaskClient) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/account/signup", data=SIGNUP)
    assert response.status_code == 200
    assert "The form expired" in response.text


Outbox = Callable[[], list[dict[str, str]]]


@pytest.fixture
def outbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    """``outbox()``: every email sent so far, after sending whatever is still queued."""
    from lms.db import utcnow
    from lms.mail.outbox import send_due

    sent: list[dict[str, str]] = []

    def capture(config: object, message: EmailMessage) -> None:
        sent.append({"to": str(message["To"]), "subject": str(message["Subject"]),
                     "body": str(message.get_content())})

    monkeypatch.setattr("lms.mail.transport.send_message", capture)

    def messages() -> list[dict[str, str]]:
        send_due(app.config, now=utcnow())
        return sent

    return messages


def _reset_link(outbox: Outbox) -> str:
    match = re.search(r"http://localhost(/account/reset/\S+)", outbox()[-1]["body"])
    assert match, outbox()[-1]["body"]
    return match.group(1)


def test_password_reset_works_once(client: FlaskClient, make_user: Callable[..., User],
                                   outbox: Outbox) -> None:
    make_user(username="carla", email="carla@example.org")
    response = client.post("/account/reset", data={"email": "carla@example.org"},
                           follow_redirects=True)
    assert "If an account uses that address" in response.text
    link = _reset_link(outbox)
    assert client.get(link).status_code == 200
    new = {"password": "brand new pw", "confirm": "brand new pw"}
    assert client.post(link, data=new).status_code == 302
    assert client.post("/account/login", data={"login": "carla",
                                               "password": "brand new pw"}).status_code == 302
    reused = client.post(link, data=new)
    assert reused.status_code == 400 and "This link no longer works" in reused.text


def test_password_reset_does_not_reveal_unknown_addresses(
    client: FlaskClient, outbox: Outbox
) -> None:
    response = client.post("/account/reset", data={"email": "ghost@example.org"},
                           follow_redirects=True)
    assert "If an account uses that address" in response.text
    assert outbox() == []


def test_expired_or_forged_reset_tokens_are_refused(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], outbox: Outbox
) -> None:
    make_user(username="dino", email="dino@example.org")
    client.post("/account/reset", data={"email": "dino@example.org"})
    link = _reset_link(outbox)
    app.config["LMS_RESET_TOKEN_MAX_AGE"] = -1
    assert client.get(link).status_code == 400
    app.config["LMS_RESET_TOKEN_MAX_AGE"] = 3600
    assert client.get(link + "x").status_code == 400
    assert client.get("/account/reset/not-a-token").status_code == 400


def test_account_settings_change_name_and_language(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    login(make_user())
    response = client.post("/account/", data={"display_name": "Nuovo Nome", "language": "it"},
                           follow_redirects=True)
    assert 'lang="it"' in response.text
    bad = client.post("/account/", data={"display_name": "x", "language": "xx"})
    assert bad.status_code == 200 and 'id="language-error"' in bad.text
