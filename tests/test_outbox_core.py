"""lms.outbox_core: the backoff schedule (pure) and the lease that lets one sender, and only
one, send a row (on SQLite and PostgreSQL, with two senders in two threads)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from flask import Flask

from lms import outbox_core
from lms.db import db, utcnow
from lms.lti import outbox as lti_outbox
from lms.mail import outbox as mail_outbox
from lms.mail.models import MailStatus, OutboxMail

MINUTE = 60


def test_the_backoff_doubles_up_to_its_cap_then_gives_up() -> None:
    backoff = outbox_core.Backoff(first=timedelta(minutes=1), longest=timedelta(minutes=10),
                                  lease=timedelta(minutes=5))
    assert [backoff.delay(n).total_seconds() / MINUTE for n in range(0, 7)] == [
        1, 1, 2, 4, 8, 10, 10]
    now = utcnow()
    assert backoff.next_attempt(3, now=now, max_attempts=4) == now + timedelta(minutes=4)
    assert backoff.next_attempt(4, now=now, max_attempts=4) is None
    assert backoff.next_attempt(5, now=now, max_attempts=4) is None


def test_each_outbox_keeps_its_own_schedule() -> None:
    minutes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]
    assert [lti_outbox.BACKOFF.delay(n).total_seconds() / MINUTE
            for n in range(1, 12)] == minutes
    assert lti_outbox.BACKOFF.lease == timedelta(minutes=5)
    assert [mail_outbox.BACKOFF.delay(n).total_seconds() / MINUTE
            for n in range(1, 12)] == [min(m, 60) for m in minutes]
    assert mail_outbox.BACKOFF.lease == timedelta(minutes=10)


def _pending_mail(now: datetime) -> int:
    message = mail_outbox.queue_mail(to="ivo@example.org", subject="Hello", body="b", now=now)
    db.session.commit()
    return message.id


def _claim(row_id: int, attempts: int, *, now: datetime, lease: timedelta) -> bool:
    return outbox_core.claim(OutboxMail, row_id, attempts, pending=MailStatus.PENDING,
                             now=now, lease=lease)


def _due(now: datetime, **options: object) -> list[tuple[int, int]]:
    return outbox_core.due(OutboxMail, pending=MailStatus.PENDING, now=now, **options)


def test_two_senders_that_saw_one_row_claim_it_once(app: Flask) -> None:
    now = utcnow()
    row_id = _pending_mail(now)
    barrier = threading.Barrier(2)
    claimed: list[bool] = []

    def sender() -> None:
        # Each thread has its own session and connection, as two app servers would.
        with app.app_context():
            try:
                (seen,) = _due(now)
                barrier.wait(timeout=30)  # both have read the row before either claims it
                claimed.append(_claim(*seen, now=now, lease=timedelta(minutes=5)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == [False, True]
    db.session.expire_all()
    row = db.session.get(OutboxMail, row_id)
    assert row is not None and row.attempts == 1
    assert row.next_attempt_at == now + timedelta(minutes=5) and row.last_error is None


def test_a_claimed_row_waits_for_its_lease_even_when_retrying_now(app: Flask) -> None:
    now = utcnow()
    row_id = _pending_mail(now)
    assert _claim(row_id, 0, now=now, lease=timedelta(minutes=5))
    assert not _claim(row_id, 0, now=now, lease=timedelta(minutes=5))  # attempt count moved on
    # In flight (no last error): not due, not even for --retry-now, until the lease runs out.
    assert _due(now + timedelta(minutes=4), retry_now=True) == []
    assert _due(now + timedelta(minutes=5)) == [(row_id, 1)]
    # A failure recorded: --retry-now takes it at once; other rows and statuses stay out.
    row = db.session.get(OutboxMail, row_id)
    assert row is not None
    row.last_error, row.next_attempt_at = "refused", now + timedelta(hours=1)
    db.session.commit()
    other = _pending_mail(now + timedelta(hours=2))
    assert _due(now) == []
    assert _due(now, retry_now=True) == [(row_id, 1)]
    assert _due(now + timedelta(hours=2)) == [(row_id, 1), (other, 0)]
    assert _due(now + timedelta(hours=2), ids=[other]) == [(other, 0)]
    assert outbox_core.count(OutboxMail, MailStatus.PENDING) == 2
    row.status = MailStatus.SENT
    db.session.commit()
    assert not _claim(row_id, 1, now=now, lease=timedelta(minutes=5))  # no longer pending
    assert outbox_core.count(OutboxMail, MailStatus.PENDING) == 1


@pytest.mark.parametrize("quiet", [True, False])
def test_the_sender_after_a_response_never_raises(app: Flask, quiet: bool,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    def send() -> None:
        raise LookupError("down")

    run = outbox_core.sender(app, send, log=mail_outbox.log, failure="rows %s stay queued",
                             failure_args=([1, 2],), quiet=(LookupError,) if quiet else ())
    run()
    failures = [r.getMessage() for r in caplog.records if r.name == "lms.mail.outbox"]
    assert failures == ([] if quiet else ["rows [1, 2] stay queued"])
