"""What the database outboxes share: lms.mail.outbox (emails) and lms.lti.outbox (scores for
the platforms' line items).

An outbox row is sent later, by a command from cron or right after the response that queued
it, and retried with a growing wait until it goes or is given up. Its table has ``id``,
``status``, ``attempts``, ``next_attempt_at`` and ``last_error`` columns; each outbox keeps
its own statuses, what sending means and what a failure costs. The mechanics here:

- :func:`due` lists the pending rows whose time has come;
- :func:`claim` leases one row for one sender with a conditional UPDATE on the attempt count,
  so two app servers never send one row; after a crash mid-send the lease runs out and the
  row is due again. A claimed row has no ``last_error``: "in flight", which even a
  ``--retry-now`` run leaves alone;
- :class:`Backoff` says when to try again after a failure (1, 2, 4… times ``first``, at most
  ``longest``) or that it is time to give up;
- :func:`sender` runs a send once the response has gone, never failing the worker.

Each function that writes owns its commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, func, select, true, update

from lms.db import db

#: An outbox model: a mapped class with the columns named above.
OutboxModel = type[Any]


@dataclass(frozen=True)
class Backoff:
    """The waits of one outbox."""

    first: timedelta  # after the first failed attempt
    longest: timedelta  # never longer than this
    lease: timedelta  # how long a sender owns a row it claimed

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt: first, twice, four times… as
        long, at most ``longest``."""
        return min(self.first * 2 ** max(attempts - 1, 0), self.longest)

    def next_attempt(self, attempts: int, *, now: datetime,
                     max_attempts: int) -> datetime | None:
        """When to try again after the ``attempts``-th failure; None: give up."""
        if attempts >= max_attempts:
            return None
        return now + self.delay(attempts)


@dataclass
class Report:
    """What one run did; each outbox adds its own outcomes."""

    sent: int = 0
    retrying: int = 0
    pending: int = 0  # left waiting after the run


def in_scope(model: OutboxModel, ids: Collection[int] | None) -> ColumnElement[bool]:
    """Only the rows ``ids`` (every row when None)."""
    return model.id.in_(ids) if ids is not None else true()  # type: ignore[no-any-return]


def due(model: OutboxModel, *, pending: str, now: datetime, ids: Collection[int] | None = None,
        retry_now: bool = False) -> list[tuple[int, int]]:
    """(id, attempts) of the pending rows due by ``now`` (only ``ids`` if given), oldest
    first. ``retry_now`` counts a row waiting after a failure as due; one in flight is not."""
    is_due = model.next_attempt_at <= now
    if retry_now:
        is_due = is_due | model.last_error.is_not(None)
    query = (select(model.id, model.attempts)
             .where(model.status == pending, in_scope(model, ids), is_due)
             .order_by(model.id))
    return [(row_id, attempts) for row_id, attempts in db.session.execute(query).all()]


def claim(model: OutboxModel, row_id: int, attempts: int, *, pending: str, now: datetime,
          lease: timedelta) -> bool:
    """Count the attempt and hold the row for ``lease`` (committed); False when another
    sender got there first (the attempt count moved on) or the row is no longer pending."""
    claimed = db.session.execute(
        update(model).where(model.id == row_id, model.status == pending,
                            model.attempts == attempts)
        .values(attempts=attempts + 1, next_attempt_at=now + lease, last_error=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def count(model: OutboxModel, status: str) -> int:
    """How many rows are in ``status``."""
    return db.session.scalar(select(func.count(model.id)).where(model.status == status)) or 0


def sender(app: Flask, send: Callable[[], object], *, log: logging.Logger, failure: str,
           failure_args: tuple[object, ...] = (),
           quiet: tuple[type[Exception], ...] = ()) -> Callable[[], None]:
    """``send`` wrapped for ``response.call_on_close``: it runs in an app context (the
    request's is gone by the time the server closes the response) and never raises, so an
    outbox never breaks a worker. An error in ``quiet`` was logged by ``send`` itself; any
    other is logged with ``failure % failure_args`` (the rows stay queued for the command),
    formatted only then."""

    def run() -> None:
        with app.app_context():
            try:
                send()
            except quiet:
                pass
            except Exception:
                log.exception(failure, *failure_args)

    return run
