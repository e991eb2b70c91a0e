"""``lms mail send``: send the queued emails (run it from cron every few minutes)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

mail_group = click.Group("mail", help="Send queued emails.")


@mail_group.command("send")
@click.option("--retry-now", is_flag=True,
              help="Also retry messages still waiting between attempts (after fixing the "
                   "mail server).")
@with_appcontext
def send_command(retry_now: bool) -> None:
    """Send due emails, retry failed ones later, purge old ones; exit 1 only when mail
    cannot go out at all (no SMTP server configured)."""
    from lms.db import utcnow
    from lms.mail.outbox import send_due
    from lms.mail.transport import MailConfigError, check_ready

    try:
        check_ready(current_app.config)  # a cron job that can never send must say so
        report = send_due(current_app.config, now=utcnow(), retry_now=retry_now)
    except MailConfigError as error:
        click.echo(f"mail: {error}", err=True)
        sys.exit(1)
    click.echo(f"sent {report.sent}, to retry {report.retrying}, given up {report.gave_up}, "
               f"expired {report.expired}, purged {report.purged}; "
               f"{report.pending} pending")
