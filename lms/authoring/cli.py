"""``lms courses export SLUG FILE`` and ``lms courses import FILE``: courses as zip files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.authoring.packages import ZipRefused

if TYPE_CHECKING:
    from lms.authoring.shared import SharedDirs
from lms.authoring.storage import DraftError, atomic_write


def _dirs() -> SharedDirs:
    from lms.authoring.shared import SharedDirs

    return SharedDirs(Path(current_app.instance_path) / "authoring")


@click.command("export")
@click.argument("slug")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(slug: str, target: Path) -> None:
    """Write course SLUG (browser-authored draft or course on disk) as a zip package."""
    from lms.authoring.publishing import export_course

    try:
        data = export_course(_dirs(), slug)
    except DraftError as error:
        click.echo(f"{slug}: {error}", err=True)
        sys.exit(1)
    atomic_write(target, data)
    click.echo(f"wrote {target} ({len(data)} bytes)")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "new_slug", default="", help="Import a copy under this course id.")
@click.option("--owner", default="", help="Username of the trainer who will own the draft.")
@click.option("--title", "new_title", default="",
              help="The copy's title (a copy must not have the title of another course).")
@with_appcontext
def import_command(source: Path, new_slug: str, owner: str, new_title: str) -> None:
    """Import a zipped course package as a browser-authored draft (checked, atomic)."""
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.authoring.publishing import import_course
    from lms.db import db

    owner_id = None
    if owner:
        owner_id = db.session.scalar(select(User.id).where(User.username == owner))
        if owner_id is None:
            raise click.BadParameter(f"no user {owner!r}", param_hint="--owner")
    state = current_app.extensions["lms"]
    try:
        slug = import_course(_dirs(), source.read_bytes(), owner_id=owner_id,
                             course_dirs=state.course_dirs, question_types=state.question_types,
                             new_slug=new_slug, new_title=new_title)
    except (ZipRefused, DraftError) as error:
        click.echo(f"{source}: {error}; nothing was written", err=True)
        sys.exit(1)
    click.echo(f"imported {slug} as a draft in {_dirs().draft(slug)}")


@click.command("import-drafts")
@with_appcontext
def import_drafts_command() -> None:
    """Store this server's draft folders in the database (drafts made before it held them).

    The upgrade runs it; run it again on each server whose instance folder holds drafts.
    Drafts the database holds already are left as they are.
    """
    from lms.authoring.shared import import_local_drafts

    imported = import_local_drafts(_dirs())
    for slug in imported:
        click.echo(f"imported draft {slug}")
    click.echo(f"{len(imported)} draft(s) imported")
