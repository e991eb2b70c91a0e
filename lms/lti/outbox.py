"""The outbox of scores for platforms' line items, with retries (as lms.mail's outbox).

:func:`queue_score` writes a score right after the progress it reports; :func:`send_due`
sends what is due (from ``lms lti send-scores``, and for the scores a request queued right
after its response). Each attempt is claimed with a conditional UPDATE, so two app servers
never post one row twice (lms.outbox_core's leases and backoff); only the newest score of a
line item and learner is sent (a newer one supersedes those still waiting).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, after_this_request, current_app, g, has_request_context
from sqlalchemy import select, update
from werkzeug.wrappers import Response

from lms import outbox_core
from lms.db import db, utcnow
from lms.lti import ags
from lms.lti.grade_models import LtiGradeLink, LtiScore, ScoreStatus
from lms.lti.models import LtiRegistration

log = logging.getLogger(__name__)

#: Retries after 1, 2, 4… minutes, at most six hours apart; a sender owns a score it claimed
#: for five minutes (after a crash mid-send, another run retries it once they have passed).
BACKOFF = outbox_core.Backoff(first=timedelta(minutes=1), longest=timedelta(hours=6),
                              lease=timedelta(minutes=5))


@dataclass
class SendReport(outbox_core.Report):
    failed: int = 0
    superseded: int = 0


def queue_score(link_id: int, *, score: float, activity: str, now: datetime) -> int | None:
    """Queue a score for a link (committed); None when it says nothing new (the newest
    score, waiting or sent, is the same)."""
    newest = db.session.scalar(select(LtiScore).where(LtiScore.link_id == link_id)
                               .order_by(LtiScore.id.desc()).limit(1))
    if newest is not None and newest.status in (ScoreStatus.PENDING, ScoreStatus.SENT) \
            and newest.score_given == score and newest.activity_progress == activity:
        return None
    # Older scores still waiting need not arrive: the platform keeps the newest anyway.
    db.session.execute(
        update(LtiScore).where(LtiScore.link_id == link_id,
                               LtiScore.status == ScoreStatus.PENDING)
        .values(status=ScoreStatus.SUPERSEDED).execution_options(synchronize_session=False))
    row = LtiScore(link_id=link_id, score_given=score, score_maximum=100.0,
                   activity_progress=activity, grading_progress="FullyGraded", scored_at=now,
                   status=ScoreStatus.PENDING, attempts=0, created_at=now, next_attempt_at=now)
    db.session.add(row)
    db.session.commit()
    log.info("queued LTI score %s (%.2f, %s) for link %s", row.id, score, activity, link_id)
    return row.id


def payload(row: LtiScore, link: LtiGradeLink) -> dict[str, Any]:
    """The score as AGS 2.0 wants it (``application/vnd.ims.lis.v1.score+json``)."""
    stamp = row.scored_at if row.scored_at.tzinfo else row.scored_at.replace(tzinfo=UTC)
    return {"userId": link.subject, "scoreGiven": row.score_given,
            "scoreMaximum": row.score_maximum, "activityProgress": row.activity_progress,
            "gradingProgress": row.grading_progress,
            "timestamp": stamp.astimezone(UTC).isoformat(timespec="milliseconds")}


def send_due(*, now: datetime, ids: Collection[int] | None = None, retry_now: bool = False,
             max_attempts: int = 12, timeout: float = ags.TIMEOUT) -> SendReport:
    """Send the pending scores that are due (only ``ids`` if given; ``retry_now`` ignores
    the wait after a failure). Failures are recorded on their row and retried later."""
    report = SendReport()
    clients: dict[int, ags.ScoreClient] = {}
    for score_id, attempts in outbox_core.due(LtiScore, pending=ScoreStatus.PENDING, now=now,
                                              ids=ids, retry_now=retry_now):
        # Not claimed when another sender got there first or a newer score superseded it.
        if outbox_core.claim(LtiScore, score_id, attempts, pending=ScoreStatus.PENDING,
                             now=now, lease=BACKOFF.lease):
            _attempt(score_id, attempts + 1, now, clients, report,
                     max_attempts=max_attempts, timeout=timeout)
    report.pending = outbox_core.count(LtiScore, ScoreStatus.PENDING)
    return report


def _finish(score_id: int, attempts: int, **values: Any) -> None:
    """Record the outcome of our attempt, unless the row moved on meanwhile (a newer score
    superseded it: it must not come back to life as pending)."""
    db.session.execute(
        update(LtiScore).where(LtiScore.id == score_id, LtiScore.attempts == attempts,
                               LtiScore.status == ScoreStatus.PENDING)
        .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _attempt(score_id: int, attempts: int, now: datetime, clients: dict[int, ags.ScoreClient],
             report: SendReport, *, max_attempts: int, timeout: float) -> None:
    row = db.session.get(LtiScore, score_id, populate_existing=True)
    link = db.session.get(LtiGradeLink, row.link_id) if row is not None else None
    if row is None or link is None:  # deleted meanwhile (an account or platform removed)
        return
    registration = db.session.get(LtiRegistration, link.registration_id)
    assert registration is not None  # the link goes with its registration
    try:
        if registration.id not in clients:
            clients[registration.id] = ags.ScoreClient(registration, timeout=timeout)
        clients[registration.id].post(link.lineitem, payload(row, link))
    except ags.Stale as error:
        _finish(score_id, attempts, status=ScoreStatus.SUPERSEDED, last_error=str(error)[:300])
        report.superseded += 1
        log.info("LTI score %s: the platform holds a newer one (%s)", score_id, error)
    except ags.Refused as error:
        _finish(score_id, attempts, status=ScoreStatus.FAILED, last_error=str(error)[:300])
        report.failed += 1
        log.error("LTI score %s refused by %s: %s", score_id, registration.issuer, error)
    except ags.SendError as error:
        retry_at = BACKOFF.next_attempt(attempts, now=now, max_attempts=max_attempts)
        if retry_at is None:
            _finish(score_id, attempts, status=ScoreStatus.FAILED, last_error=str(error)[:300])
            report.failed += 1
            log.error("LTI score %s failed %d times; given up: %s", score_id, attempts, error)
        else:
            _finish(score_id, attempts, next_attempt_at=retry_at, last_error=str(error)[:300])
            report.retrying += 1
            log.warning("LTI score %s to %s failed (attempt %d of %d), retry after %s: %s",
                        score_id, registration.issuer, attempts, max_attempts,
                        retry_at.isoformat(timespec="seconds"), error)
    else:
        # Sent: recorded even if a newer score superseded it meanwhile (it did arrive).
        db.session.execute(update(LtiScore).where(LtiScore.id == score_id).values(
            status=ScoreStatus.SENT, sent_at=utcnow(), last_error=None)
            .execution_options(synchronize_session=False))
        db.session.commit()
        report.sent += 1
        log.info("LTI score %s sent to %s", score_id, registration.issuer)


def send_after_request(score_ids: list[int]) -> None:
    """Try to send ``score_ids`` once the current response has gone to the browser.

    The learner's page takes the same time whether or not the platform answers; a failure
    leaves the score queued for ``lms lti send-scores``. Outside a request (a command), or
    with ``LMS_LTI_SEND_AT_ONCE = False``, the scores just wait for that command.
    """
    if not score_ids or not has_request_context() \
            or not current_app.config.get("LMS_LTI_SEND_AT_ONCE", True):
        return
    waiting: list[int] | None = g.get("lms_lti_scores")
    if waiting is not None:  # this request already sends after its response
        waiting.extend(score_ids)
        return
    waiting = g.lms_lti_scores = list(score_ids)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        send_due(now=utcnow(), ids=waiting,
                 max_attempts=int(app.config.get("LMS_LTI_SCORE_MAX_ATTEMPTS", 12)))

    @after_this_request
    def send_later(response: Response) -> Response:
        response.call_on_close(outbox_core.sender(
            app, send, log=log, failure="LTI scores %s stay queued", failure_args=(waiting,)))
        return response
