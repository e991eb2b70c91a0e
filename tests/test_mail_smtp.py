"""Password reset emails through a real SMTP server: same answer whether the account exists
or the server is down, nothing lost, TLS modes, and no token in production logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from lms.auth.models import User
from lms.db import db
from lms.mail.models import MailStatus, OutboxMail
from tests.mail_support import ThrowawayCA, smtp_server
from tests.servers import free_port

BASE = "https://learn.example.org"
FLASHED = "If an account uses that address, we have sent it a link to reset the password."


@pytest.fixture
def smtp_app(app: Flask) -> Flask:
    """The app sending to 127.0.0.1 on a free port (nothing listens until a test starts a
    server there), with links on LMS_BASE_URL."""
    app.config.update(LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port(), LMS_SMTP_TLS="none",
                      LMS_BASE_URL=BASE, LMS_MAIL_FROM="lms@learn.example.org")
    return app


def _ask_reset(client: FlaskClient, email: str) -> tuple[int, str | None, str]:
    """What the visitor sees: status, redirect and the page it leads to (with the message).
    Closing the response is when the server would send the queued mail."""
    forged = "http://evil.example.net"  # links must not follow it
    with client.post("/account/reset", data={"email": email}, base_url=forged) as response:
        status, location = response.status_code, response.headers.get("Location")
    page = client.get("/account/login", base_url=forged)
    assert FLASHED in page.text
    return status, location, FLASHED


def _outbox() -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def _link(text: str) -> str:
    (link,) = re.findall(r"\S+/account/reset/\S+", text)
    return link


def test_reset_email_is_delivered_with_a_link_on_the_base_url(
    smtp_app: Flask, client: FlaskClient, make_user: Callable[..., User],
) -> None:
    make_user(email="carla@example.org", display_name="Carla")
    with smtp_server(smtp_app.config["LMS_SMTP_PORT"]) as sink:
        _ask_reset(client, "carla@example.org")
    (message,) = sink.messages
    assert message["To"] == "carla@example.org"
    assert message["From"] == "lms@learn.example.org"
    assert message["Subject"] == "Reset your password"
    link = _link(message.get_content())
    assert link.startswith(BASE + "/account/reset/")
    (row,) = _outbox()
    assert row.status == MailStatus.SENT and row.body is None and row.attempts == 1
    # The delivered link works (the test client speaks to the app whatever the host).
    assert client.get(link.removeprefix(BASE)).status_code == 200


def test_mail_server_down_changes_nothing_visible_and_loses_nothing(
    smtp_app: Flask, client: FlaskClient, runner: FlaskCliRunner,
    make_user: Callable[..., User],
) -> None:
    make_user(email="dora@example.org")
    known = _ask_reset(client, "dora@example.org")
    unknown = _ask_reset(client, "nobody@example.org")
    assert known == unknown and known[0] == 302
    (row,) = _outbox()
    assert row.status == MailStatus.PENDING and row.attempts == 1
    assert row.body and "/account/reset/" in row.body
    assert row.last_error and "Connection" in row.last_error
    with smtp_server(smtp_app.config["LMS_SMTP_PORT"]) as sink:
        waiting = runner.invoke(args=["mail", "send"])  # its retry is not due yet
        assert waiting.exit_code == 0 and "sent 0" in waiting.output, waiting.output
        assert "1 pending" in waiting.output
        result = runner.invoke(args=["mail", "send", "--retry-now"])
        assert result.exit_code == 0, result.output
        assert "sent 1" in result.output and "0 pending" in result.output
        again = runner.invoke(args=["mail", "send", "--retry-now"])
        assert "sent 0" in again.output
    (message,) = sink.messages
    assert message["To"] == "dora@example.org"
    assert _link(message.get_content()).startswith(BASE + "/account/reset/")
    (row,) = _outbox()
    assert row.status == MailStatus.SENT and row.body is None and row.attempts == 2


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_tls_modes_deliver_over_tls_to_a_verified_server(
    mode: str, smtp_app: Flask, client: FlaskClient, runner: FlaskCliRunner,
    make_user: Callable[..., User], tmp_path: Path,
) -> None:
    ca = ThrowawayCA(tmp_path)
    smtp_app.config.update(LMS_SMTP_TLS=mode, LMS_MAIL_SEND_AT_ONCE=False)
    make_user(email="ezra@example.org")
    _ask_reset(client, "ezra@example.org")
    with smtp_server(smtp_app.config["LMS_SMTP_PORT"], tls=mode, ca=ca) as sink:
        # Certificates are verified: the throwaway CA is not trusted yet.
        refused = runner.invoke(args=["mail", "send", "--retry-now"])
        assert refused.exit_code == 0 and "to retry 1" in refused.output, refused.output
        assert "CERTIFICATE_VERIFY_FAILED" in str(_outbox()[0].last_error)
        smtp_app.config["LMS_SMTP_CAFILE"] = str(ca.cafile)
        result = runner.invoke(args=["mail", "send", "--retry-now"])
        assert "sent 1" in result.output, result.output
    assert sink.encrypted == [True]
    assert sink.messages[0]["To"] == "ezra@example.org"


def test_starttls_never_falls_back_to_plain_text(
    smtp_app: Flask, client: FlaskClient, make_user: Callable[..., User],
) -> None:
    smtp_app.config["LMS_SMTP_TLS"] = "starttls"
    make_user(email="fede@example.org")
    with smtp_server(smtp_app.config["LMS_SMTP_PORT"]) as sink:  # offers no STARTTLS
        _ask_reset(client, "fede@example.org")
    assert sink.messages == []
    (row,) = _outbox()
    assert row.status == MailStatus.PENDING and "STARTTLS" in str(row.last_error)


def test_production_without_smtp_keeps_tokens_out_of_the_log(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.config.update(LMS_ENV="production", LMS_SMTP_HOST="", LMS_BASE_URL=BASE)
    make_user(email="gina@example.org")
    assert runner.invoke(args=["mail", "send"]).exit_code == 1  # even with nothing to send
    caplog.set_level(logging.DEBUG)
    known = _ask_reset(client, "gina@example.org")
    assert known == _ask_reset(client, "nobody@example.org")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "no SMTP server configured" in result.output
    (row,) = _outbox()
    assert row.status == MailStatus.PENDING and row.attempts == 0
    token = _link(str(row.body)).rsplit("/", 1)[1]
    assert token not in caplog.text and "gina@example.org" not in caplog.text
    assert "g***@example.org" in caplog.text


def test_development_without_smtp_logs_the_link(
    app: Flask, client: FlaskClient, make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_user(email="hugo@example.org")
    caplog.set_level(logging.INFO)
    _ask_reset(client, "hugo@example.org")
    assert "/account/reset/" in caplog.text  # what a developer needs to go on
    assert _outbox()[0].status == MailStatus.SENT
