"""``lms lti send-scores`` (cron, every few minutes), ``lms lti scores`` (what waits) and
``lms lti sync-rosters`` (cron: the class lists of the platform courses)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

lti_group = click.Group("lti", help="LTI 1.3: grades and class lists for the school platforms.")


@lti_group.command("send-scores")
@click.option("--retry-now", is_flag=True,
              help="Also retry scores still waiting after a failure (after fixing the "
                   "platform's registration, or once it is back).")
@with_appcontext
def send_scores_command(retry_now: bool) -> None:
    """Post due scores to the platforms' line items; failures are retried later."""
    from lms.db import utcnow
    from lms.lti.outbox import send_due

    report = send_due(now=utcnow(), retry_now=retry_now,
                      max_attempts=int(current_app.config["LMS_LTI_SCORE_MAX_ATTEMPTS"]))
    click.echo(f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}, "
               f"superseded {report.superseded}; {report.pending} pending")


@lti_group.command("scores")
@click.option("--failed", "show_failed", is_flag=True, help="List failed scores instead.")
@with_appcontext
def scores_command(show_failed: bool) -> None:
    """List the scores waiting for a platform (or given up), newest first."""
    from lms.lti.grade_models import ScoreStatus
    from lms.lti.score_report import latest

    status = ScoreStatus.FAILED if show_failed else ScoreStatus.PENDING
    lines = latest((status,), limit=1000)
    for line in lines:
        where = line.course + (f"/{line.module}" if line.module else "")
        when = (f"next try {line.next_attempt_at.isoformat(timespec='minutes')}"
                if status == ScoreStatus.PENDING else "given up")
        click.echo(f"{line.id}\t{line.username}\t{line.platform}\t{where}\t{line.score:g}\t"
                   f"attempts {line.attempts}\t{when}\t{line.last_error or ''}")
    click.echo(f"{len(lines)} {status}", err=True)


@lti_group.command("sync-rosters")
@with_appcontext
def sync_rosters_command() -> None:
    """Read the class list of every open class from its platform course (Names and Roles
    Provisioning), where the platform offers it: learners not in the class are added, nobody
    is removed. Exits with status 1 when a list could not be read."""
    from lms.db import utcnow
    from lms.lti.roster import sync_all

    results = sync_all(share_names=bool(current_app.config["LMS_LTI_SHARE_NAMES"]),
                       now=utcnow())
    failed = 0
    for name, result in results:
        if isinstance(result, str):
            failed += 1
            click.echo(f"{name}: not read: {result}", err=True)
        else:
            click.echo(f"{name}: {result.added} added, {result.present} already there, "
                       f"{result.skipped} skipped, {len(result.left)} left the course")
    click.echo(f"{len(results) - failed} class lists read, {failed} failed", err=True)
    if failed:
        raise SystemExit(1)
