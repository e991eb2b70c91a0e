"""Queue emails in the database and send them later, with retries and a purge.

A message is written by :func:`queue_mail` inside the transaction of whatever it announces,
so it exists exactly when that change does. :func:`send_due` sends what is due (from
``lms mail send``, and for one message right after the response that queued it); each
attempt is claimed with a conditional update, so two senders never send one message twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, func, select, true, update
from werkzeug.wrappers import Response

from lms.db import db, utcnow
from lms.mail import transport
from lms.mail.models import MailStatus, OutboxMail
from lms.mail.transport import MailConfigError, build_message, mask_address

log = logging.getLogger(__name__)

#: How long a sender owns a message it claimed: after a crash mid-send, another run
#: retries it once this has passed.
CLAIM_LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0
    expired: int = 0
    purged: int = 0
    pending: int = 0


def queue_mail(*, to: str, subject: str, body: str, now: datetime, user_id: int | None = None,
               expires_at: datetime | None = None) -> OutboxMail:
    """Add a message to the outbox in the caller's transaction; the caller commits."""
    message = OutboxMail(recipient=to, subject=subject[:200], body=body, user_id=user_id,
                         status=MailStatus.PENDING, attempts=0, created_at=now,
                         next_attempt_at=now, expires_at=expires_at)
    db.session.add(message)
    return message


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after the n-th failed attempt, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _erase(message: OutboxMail, status: MailStatus) -> None:
    message.status = status
    message.body = None  # it may hold a token; nobody needs it any more


def send_due(config: Mapping[str, Any], *, now: datetime, ids: Collection[int] | None = None,
             retry_now: bool = False) -> SendReport:
    """Send the pending messages that are due (only ``ids`` if given; ``retry_now`` ignores
    the wait between attempts), expire late ones and purge old ones.

    Raises :class:`MailConfigError` (after putting the message back) when mail cannot go out
    at all; any other failure is recorded on its message and retried later.
    """
    report = SendReport()
    pending = OutboxMail.status == MailStatus.PENDING
    scope = OutboxMail.id.in_(ids) if ids is not None else true()
    for message in db.session.scalars(select(OutboxMail).where(
            pending, scope, OutboxMail.expires_at <= now)):
        _erase(message, MailStatus.EXPIRED)
        report.expired += 1
    db.session.commit()
    due = OutboxMail.next_attempt_at <= now
    if retry_now:  # waiting after a failure counts as due; a message in flight does not
        due = due | OutboxMail.last_error.is_not(None)
    query = select(OutboxMail.id, OutboxMail.attempts).where(pending, scope, due)
    for message_id, attempts in db.session.execute(query.order_by(OutboxMail.id)).all():
        if _claim(message_id, attempts, now):
            _attempt(config, message_id, now, report)
    if ids is None:
        report.purged = purge(now - timedelta(days=int(config.get("LMS_MAIL_KEEP_DAYS", 7))))
    report.pending = db.session.scalar(select(func.count(OutboxMail.id)).where(pending)) or 0
    return report


def _claim(message_id: int, attempts: int, now: datetime) -> bool:
    """Count the attempt and hold the message for :data:`CLAIM_LEASE`; False when another
    sender got there first (the attempt count moved on). The last error is cleared: a
    pending message without one is in flight, and even ``--retry-now`` leaves it alone."""
    claimed = db.session.execute(
        update(OutboxMail).where(OutboxMail.id == message_id,
                                 OutboxMail.status == MailStatus.PENDING,
                                 OutboxMail.attempts == attempts)
        .values(attempts=attempts + 1, next_attempt_at=now + CLAIM_LEASE, last_error=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _attempt(config: Mapping[str, Any], message_id: int, now: datetime,
             report: SendReport) -> None:
    message = db.session.get(OutboxMail, message_id, populate_existing=True)
    if message is None or message.body is None:  # deleted or expired meanwhile
        return
    address = mask_address(message.recipient)
    try:
        transport.send_message(config, build_message(
            config, to=message.recipient, subject=message.subject, body=message.body))
    except MailConfigError:
        # Not this message's fault: give the attempt back and stop the whole run.
        message.attempts -= 1
        message.next_attempt_at = now
        db.session.commit()
        log.warning("mail %d to %s stays queued: no SMTP server configured", message_id, address)
        raise
    except Exception as error:  # any SMTP, network or TLS failure: recorded, retried later
        # Refusals quote the address; the error is logged, so only its masked form is kept.
        reason = str(error).replace(message.recipient, address)
        message.last_error = f"{type(error).__name__}: {reason}"[:200]
        limit = int(config.get("LMS_MAIL_MAX_ATTEMPTS", 8))
        if message.attempts >= limit:
            _erase(message, MailStatus.FAILED)
            report.gave_up += 1
            log.error("mail %d to %s failed %d times; given up: %s", message_id, address,
                      message.attempts, message.last_error)
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
            report.retrying += 1
            log.warning("mail %d to %s failed (attempt %d of %d), retry after %s: %s",
                        message_id, address, message.attempts, limit,
                        message.next_attempt_at.isoformat(timespec="seconds"),
                        message.last_error)
        db.session.commit()
        return
    message.sent_at = now
    message.last_error = None
    _erase(message, MailStatus.SENT)
    db.session.commit()
    report.sent += 1
    log.info("mail %d sent to %s", message_id, address)


def purge(before: datetime) -> int:
    """Delete finished messages (sent, failed, expired) created before ``before``."""
    result = db.session.execute(delete(OutboxMail).where(
        OutboxMail.status != MailStatus.PENDING, OutboxMail.created_at < before))
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def send_after_response(response: Response, message_id: int) -> Response:
    """Try to send ``message_id`` once ``response`` has gone to the browser.

    The answer is the same, and takes the same time, whether or not there was a message to
    send and whether or not the mail server works; a failure leaves the message queued for
    ``lms mail send``. ``LMS_MAIL_SEND_AT_ONCE = False`` leaves everything to that command.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("LMS_MAIL_SEND_AT_ONCE", True):
        response.call_on_close(_sender(app, message_id))
    return response


def _sender(app: Flask, message_id: int) -> Callable[[], None]:
    def send() -> None:
        # The request's context is gone by the time the server closes the response.
        with app.app_context():
            try:
                send_due(app.config, now=utcnow(), ids=[message_id])
            except MailConfigError:
                pass  # logged above; `lms mail send` reports it
            except Exception:  # never let mail break a worker; the message stays queued
                log.exception("mail %d stays queued", message_id)

    return send
