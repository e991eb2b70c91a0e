"""``lms backup``, ``lms restore`` and ``lms users delete``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the database to PATH (a new, owner-only file); safe while the site is serving.

    SQLite: a database file. PostgreSQL: a pg_dump archive (custom format) for pg_restore.
    """
    from lms.db import db
    from lms.maintenance.backup import BackupError, backup_postgres, backup_sqlite, sqlite_path

    try:
        if db.engine.url.get_backend_name() == "postgresql":
            tables = backup_postgres(db.engine, path)
        else:
            tables = backup_sqlite(sqlite_path(db.engine.url), path)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"backed up {tables} tables to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Overwrite the current database without asking.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the LMS backup at PATH. Stop the site first.

    Refused, changing nothing, unless PATH records a schema revision this version knows and
    holds every table and column the migrations create up to that revision.
    """
    from flask import current_app

    from lms.db import db, init_migrations
    from lms.maintenance.backup import BackupError, read_backup, restore_sqlite, sqlite_path
    from lms.maintenance.schema import is_known, missing_from, schema_at, scripts

    try:
        target = sqlite_path(db.engine.url)
        revision, found = read_backup(path)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    init_migrations(current_app)
    tree = scripts(current_app.extensions["migrate"].directory)
    if not is_known(tree, revision):
        click.echo(f"{path}: schema {revision} is not one this version of the LMS knows "
                   "(made by a newer version?); upgrade the LMS first", err=True)
        sys.exit(1)
    missing = missing_from(found, schema_at(tree, revision))
    if missing:
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more"
                                           if len(missing) > 8 else "")
        click.echo(f"{path}: not a complete LMS backup of schema {revision}: "
                   f"missing {listed}", err=True)
        sys.exit(1)
    if not yes:
        click.confirm(f"Overwrite the database {target} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    restore_sqlite(path, target)
    click.echo(f"restored {path} (schema {revision})")
    if revision not in tree.get_heads():
        click.echo("the backup has an older schema: run 'lms db upgrade' now")


@click.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@with_appcontext
def delete_user_command(username: str, yes: bool) -> None:
    """Delete (anonymise) the account USERNAME; see 'Security and privacy' in the README."""
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.db import db, utcnow
    from lms.privacy.services import PrivacyError, delete_account

    user = db.session.scalar(select(User).where(User.username == username.strip().lower(),
                                                User.deleted_at.is_(None)))
    if user is None:
        click.echo(f"no account {username!r}", err=True)
        sys.exit(1)
    if not yes:
        click.confirm(f"Delete the account {user.username} ({user.display_name})?", abort=True)
    try:
        deletion = delete_account(user.id, now=utcnow())
    except PrivacyError as error:
        click.echo(f"cannot delete {username!r}: {error.reason}", err=True)
        sys.exit(1)
    click.echo(f"deleted {username}: {deletion.certificates_revoked} certificate(s) revoked, "
               f"{deletion.attempts_kept} quiz attempt(s) kept anonymised")
