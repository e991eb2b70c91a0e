"""The outbox on its own: retries with backoff, giving up, expiry, purge, one send per
message with two senders, deletion with the account, and the SMTP settings."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lms.auth.models import User
from lms.config import ConfigError
from lms.db import db, utcnow
from lms.mail import transport
from lms.mail.models import MailStatus, OutboxMail
from lms.mail.outbox import queue_mail, retry_delay, send_due
from lms.mail.transport import mask_address
from tests.conftest import make_test_app


class FlakyServer:
    """Stands in for the SMTP server: fails while ``down``, records what it accepts."""

    def __init__(self) -> None:
        self.down = True
        self.accepted: list[EmailMessage] = []
        self.during_send: Callable[[], None] = lambda: None

    def __call__(self, config: object, message: EmailMessage) -> None:
        self.during_send()
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.accepted.append(message)


@pytest.fixture
def server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> FlakyServer:
    fake = FlakyServer()
    monkeypatch.setattr(transport, "send_message", fake)
    return fake


def _queue(**fields: Any) -> OutboxMail:
    fields.setdefault("now", utcnow())
    message = queue_mail(to="ivo@example.org", subject="Hello", body="token-1234", **fields)
    db.session.commit()
    return message


def _reload(message: OutboxMail) -> OutboxMail:
    db.session.expire_all()
    row = db.session.get(OutboxMail, message.id)
    assert row is not None
    return row


def test_failures_back_off_then_give_up_and_erase_the_body(app: Flask,
                                                           server: FlakyServer) -> None:
    app.config["LMS_MAIL_MAX_ATTEMPTS"] = 3
    start = utcnow()
    message = _queue(now=start)
    assert send_due(app.config, now=start).retrying == 1
    row = _reload(message)
    assert row.attempts == 1 and row.next_attempt_at == start + timedelta(minutes=1)
    assert "ConnectionRefusedError" in str(row.last_error) and row.body == "token-1234"
    # Not due yet: nothing is tried.
    assert send_due(app.config, now=start + timedelta(seconds=30)).retrying == 0
    later = start + timedelta(minutes=1)
    assert send_due(app.config, now=later).retrying == 1
    assert _reload(message).next_attempt_at == later + timedelta(minutes=2)
    report = send_due(app.config, now=later + timedelta(minutes=2))
    assert report.gave_up == 1 and report.pending == 0
    row = _reload(message)
    assert row.status == MailStatus.FAILED and row.body is None and row.attempts == 3
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [
        60, 120, 240, 3600, 3600, 3600]


def test_a_late_message_expires_instead_of_sending_a_dead_link(app: Flask,
                                                               server: FlakyServer) -> None:
    start = utcnow()
    message = _queue(now=start, expires_at=start + timedelta(hours=1))
    send_due(app.config, now=start)
    server.down = False
    report = send_due(app.config, now=start + timedelta(hours=2), retry_now=True)
    assert report.expired == 1 and report.sent == 0 and server.accepted == []
    row = _reload(message)
    assert row.status == MailStatus.EXPIRED and row.body is None


def test_finished_messages_are_purged_after_the_keep_days(app: Flask,
                                                          server: FlakyServer) -> None:
    server.down = False
    start = utcnow()
    sent_id = _queue(now=start - timedelta(days=8)).id
    send_due(app.config, now=start - timedelta(days=8))
    waiting = _queue(now=start - timedelta(days=8))
    waiting.next_attempt_at = start + timedelta(days=1)
    db.session.commit()
    report = send_due(app.config, now=start)
    assert report.purged == 1 and report.pending == 1
    assert db.session.get(OutboxMail, sent_id) is None
    assert _reload(waiting).status == MailStatus.PENDING


def test_a_second_sender_never_sends_the_same_message(app: Flask,
                                                      server: FlakyServer) -> None:
    server.down = False
    now = utcnow()
    message = _queue(now=now)
    reports = []
    # While the first sender talks to the server, a second one (cron, --retry-now) runs.
    server.during_send = lambda: reports.append(send_due(app.config, now=now, retry_now=True))
    assert send_due(app.config, now=now).sent == 1
    assert [report.sent for report in reports] == [0]
    assert len(server.accepted) == 1 and _reload(message).attempts == 1


def test_deleting_an_account_deletes_its_mail(app: Flask, server: FlakyServer,
                                              make_user: Callable[..., User]) -> None:
    from lms.privacy.services import delete_account

    user, other = make_user(email="jo@example.org"), make_user(email="kai@example.org")
    _queue(user_id=user.id)
    kept = _queue(user_id=other.id)
    delete_account(user.id, now=utcnow())
    assert db.session.scalars(select(OutboxMail.id)).all() == [kept.id]


def test_a_refusal_is_recorded_without_the_address(app: Flask, server: FlakyServer,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    def refuse(config: object, message: EmailMessage) -> None:
        raise smtplib.SMTPRecipientsRefused({"ivo@example.org": (550, b"no such user")})

    server.during_send = lambda: refuse(None, EmailMessage())
    message = _queue()
    send_due(app.config, now=utcnow())
    error = str(_reload(message).last_error)
    assert "550" in error and "i***@example.org" in error and "ivo@" not in error
    assert "ivo@" not in caplog.text


def test_addresses_are_masked_in_logs() -> None:
    assert mask_address("carla@example.org") == "c***@example.org"
    assert mask_address("nonsense") == "***"


@pytest.mark.parametrize(("mode", "port", "client"), [
    ("starttls", 587, "SMTP"), ("ssl", 465, "SMTP_SSL"), ("none", 25, "SMTP")])
def test_each_tls_mode_picks_its_client_and_usual_port(
    mode: str, port: int, client: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, Any]] = []

    class Recorder:
        def __init__(self, name: str) -> None:
            self.name = name

        def __call__(self, host: str, port: int, **options: Any) -> Recorder:
            calls.append((self.name, (host, port)))
            return self

        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def __getattr__(self, method: str) -> Callable[..., None]:
            return lambda *args, **kwargs: calls.append((method, args))

    for name in ("SMTP", "SMTP_SSL"):
        monkeypatch.setattr(transport.smtplib, name, Recorder(name))
    config = {"LMS_SMTP_HOST": "mail.example.org", "LMS_SMTP_TLS": mode,
              "LMS_SMTP_USER": "lms", "LMS_SMTP_PASSWORD": "pw", "LMS_MAIL_FROM": "a@b.org"}
    transport.send_message(config, transport.build_message(config, to="c@d.org", subject="s",
                                                           body="b"))
    names = [name for name, _ in calls]
    assert calls[0] == (client, ("mail.example.org", port))
    assert ("starttls" in names) == (mode == "starttls")
    assert names[-2:] == ["login", "send_message"]


def test_an_unknown_tls_mode_stops_start_up(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_SMTP_TLS", "tls")
    with pytest.raises(ConfigError, match="LMS_SMTP_TLS: expected one of starttls, ssl, none"):
        make_test_app("sqlite://", tmp_path)
    monkeypatch.setenv("LMS_SMTP_TLS", "SSL")
    assert make_test_app("sqlite://", tmp_path).config["LMS_SMTP_TLS"] == "ssl"
