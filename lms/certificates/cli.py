"""``lms certificates …``: re-render stored PDFs after a template change."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

certificates_group = click.Group("certificates", help="Manage issued certificates.")


@certificates_group.command("reissue")
@click.option("--course", "course_slug", default=None, metavar="SLUG",
              help="Only this course's certificates (default: every course).")
@with_appcontext
def reissue_command(course_slug: str | None) -> None:
    """Re-render the PDF of every valid certificate (codes, names and dates stay the same)."""
    from lms.certificates.services import certificate_ids, render_pdf
    from lms.db import utcnow

    ids = certificate_ids(course_slug)
    if not ids:
        click.echo("no certificates to re-render")
        return
    failed = 0
    with click.progressbar(ids, label="Rendering certificates", file=sys.stderr) as bar:
        for certificate_id in bar:
            if not render_pdf(certificate_id, now=utcnow()):
                failed += 1
    click.echo(f"{len(ids) - failed} certificate(s) re-rendered, {failed} failed")
    if failed:
        sys.exit(1)
