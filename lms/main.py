"""The ``lms`` command: the Flask CLI with the standalone app preset (``flask --app lms`` works
too)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from lms.app import create_app
from lms.config import ConfigError


def _create_app() -> Flask:
    try:
        return create_app()
    except ConfigError as error:  # a bad setting: say which, without a traceback
        click.echo(f"lms: {error}", err=True)
        sys.exit(2)


# Only an explicit `lms -e FILE` loads an environment file: a stray .env in whatever folder
# cron or an operator happens to start in must not change the configuration.
@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False)
def main() -> None:
    """Manage the learning platform: courses, users, database."""
