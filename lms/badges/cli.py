"""``lms badges``: the signing keys of Open Badges credentials."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.badges import keys
from lms.db import utcnow


@click.group("badges", help="Open Badges 3.0: signing keys.")
def badges_cli() -> None:
    pass


@badges_cli.command("keys")
@with_appcontext
def list_keys() -> None:
    """List the keys: thumbprint, algorithm, made, and state."""
    for row in keys.all_keys():
        state = ("withdrawn" if row.withdrawn_at else "signing" if row.signing
                 else f"retired {row.retired_at:%Y-%m-%d}" if row.retired_at
                 else "configured (LMS_BADGES_KEY_FILE; public key only)")
        click.echo(f"{row.thumbprint}  {row.algorithm:6}  {row.created_at:%Y-%m-%d}  {state}")


@badges_cli.command("rotate-key")
@click.option("--algorithm", type=click.Choice(keys.ALGORITHMS),
              help="for the new key (default: LMS_BADGES_ALGORITHM)")
@with_appcontext
def rotate_key(algorithm: str | None) -> None:
    """Make a new signing key. The old one's public key stays published, so credentials
    it signed keep verifying."""
    if current_app.config.get("LMS_BADGES_KEY_FILE"):
        raise click.ClickException(
            "the signing key is configured (LMS_BADGES_KEY_FILE): put a new key in that file "
            "to rotate; the old public key stays published")
    row = keys.rotate_key(now=utcnow(), algorithm=algorithm)
    click.echo(f"new signing key {row.thumbprint} ({row.algorithm})")


@badges_cli.command("withdraw-key")
@click.argument("thumbprint")
@with_appcontext
def withdraw_key(thumbprint: str) -> None:
    """Stop publishing a lost or compromised key: what it signed no longer verifies.

    A thumbprint may start with "-": write it after "--" (lms badges withdraw-key -- -Xy…)."""
    try:
        row = keys.withdraw_key(thumbprint, now=utcnow())
    except keys.UnknownKey as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"withdrew {row.thumbprint}")
