"""Queue emails in the database and send them later, with retries and a purge.

A message is written by :func:`queue_mail` inside the transaction of whatever it announces,
so it exists exactly when that change does. :func:`send_due` sends what is due (from
``lms mail send``, and for one message right after the response that queued it); each
attempt is claimed with a conditional update, so two senders never send one message twice
(the leases, retries and backoff are lms.outbox_core's, shared with LTI's score outbox).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from lms import outbox_core
from lms.db import db, utcnow
from lms.mail import transport
from lms.mail.models import MailStatus, OutboxMail
from lms.mail.transport import MailConfigError, build_message, mask_address

log = logging.getLogger(__name__)

#: Retries after 1, 2, 4… minutes, at most an hour apart; a sender owns a message it claimed
#: for ten minutes (after a crash mid-send, another run retries it once they have passed).
BACKOFF = outbox_core.Backoff(first=timedelta(minutes=1), longest=timedelta(hours=1),
                              lease=timedelta(minutes=10))


@dataclass
class SendReport(outbox_core.Report):
    gave_up: int = 0
    expired: int = 0
    purged: int = 0


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
    return BACKOFF.delay(attempts)


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
    for message in db.session.scalars(select(OutboxMail).where(
            OutboxMail.status == MailStatus.PENDING, outbox_core.in_scope(OutboxMail, ids),
            OutboxMail.expires_at <= now)):
        _erase(message, MailStatus.EXPIRED)
        report.expired += 1
    db.session.commit()
    for message_id, attempts in outbox_core.due(OutboxMail, pending=MailStatus.PENDING, now=now,
                                                ids=ids, retry_now=retry_now):
        if outbox_core.claim(OutboxMail, message_id, attempts, pending=MailStatus.PENDING,
                             now=now, lease=BACKOFF.lease):
            _attempt(config, message_id, now, report)
    if ids is None:
        report.purged = purge(now - timedelta(days=int(config.get("LMS_MAIL_KEEP_DAYS", 7))))
    report.pending = outbox_core.count(OutboxMail, MailStatus.PENDING)
    return report


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
        retry_at = BACKOFF.next_attempt(message.attempts, now=now, max_attempts=limit)
        if retry_at is None:
            _erase(message, MailStatus.FAILED)
            report.gave_up += 1
            log.error("mail %d to %s failed %d times; given up: %s", message_id, address,
                      message.attempts, message.last_error)
        else:
            message.next_attempt_at = retry_at
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
        # A missing SMTP server is logged by _attempt; `lms mail send` reports it.
        response.call_on_close(outbox_core.sender(
            app, lambda: send_due(app.config, now=utcnow(), ids=[message_id]), log=log,
            failure="mail %d stays queued", failure_args=(message_id,),
            quiet=(MailConfigError,)))
    return response
