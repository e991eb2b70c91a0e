"""``lms certificates rerender-pdfs``: re-render stored PDFs after a template change."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

certificates_group = click.Group("certificates", help="Manage issued certificates.")


COURSE_OPTION = click.option("--course", "course_slug", default=None, metavar="SLUG",
                             help="Only this course's certificates (default: every course).")


@certificates_group.command("rerender-pdfs")
@COURSE_OPTION
@with_appcontext
def rerender_pdfs_command(course_slug: str | None) -> None:
    """Re-render the PDF of every valid certificate (codes, names and dates stay the same)."""
    _rerender_pdfs(course_slug)


# The name this command shipped under (README, upgrade steps in operators' notes), hidden:
# "reissue" is what the web pages call a *new* certificate with a new code after a name fix,
# which this command never makes.
@certificates_group.command("reissue", hidden=True)
@COURSE_OPTION
@with_appcontext
def reissue_command(course_slug: str | None) -> None:
    """Old name of rerender-pdfs."""
    click.echo("`lms certificates reissue` is now `lms certificates rerender-pdfs` (it "
               "re-renders PDFs; it does not reissue certificates)", err=True)
    _rerender_pdfs(course_slug)


def _rerender_pdfs(course_slug: str | None) -> None:
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
