"""``lms reminders send``: queue this week's digests and send the outbox (weekly cron)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

reminders_group = click.Group("reminders", help="Weekly digests of due and overdue work.")


@reminders_group.command("send")
@with_appcontext
def send_command() -> None:
    """Queue the weekly digests not queued yet this week, then send what the outbox holds.
    Run it again any time: nothing is queued twice in a week, and mail that could not go out
    is retried. Exits 1 only when mail cannot go out at all (no SMTP server configured)."""
    from lms.db import utcnow
    from lms.mail.outbox import send_due
    from lms.mail.transport import MailConfigError, check_ready
    from lms.reminders.services import queue_digests

    config = current_app.config
    now = utcnow()
    report = queue_digests(now=now, timezone=str(config.get("LMS_TIMEZONE", "Europe/Rome")),
                           default_language=str(config.get("LMS_DEFAULT_LANGUAGE", "en")))
    click.echo(f"week {report.week}: queued {report.teachers} teacher and {report.students} "
               f"student digests; {report.already} already queued this week, "
               f"{report.nothing} with nothing due")
    try:
        check_ready(config)
        # retry_now: a weekly run is the next chance for anything that failed meanwhile.
        sent = send_due(config, now=now, retry_now=True)
    except MailConfigError as error:
        click.echo(f"reminders: {error}; the digests stay queued", err=True)
        sys.exit(1)
    click.echo(f"mail: sent {sent.sent}, to retry {sent.retrying}, {sent.pending} pending")
