"""``lms users list | set-password | set-role | activate | deactivate``: accounts for operators.

``users create`` and ``users demo`` live in :mod:`lms.cli`, ``users delete`` in
:mod:`lms.maintenance.cli`.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

MIN_PASSWORD_LENGTH = 8


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@click.command("list")
@with_appcontext
def list_users_command() -> None:
    """Show every account: username, role, email, active, created."""
    from lms.auth.services import list_accounts

    rows = [("username", "role", "email", "active", "created")]
    rows += [(user.username, user.role, user.email or "-", "yes" if user.active else "no",
              user.created_at.strftime("%Y-%m-%d")) for user in list_accounts()]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                      strict=True)).rstrip())


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@with_appcontext
def set_password_command(username: str, password_stdin: bool) -> None:
    """Choose a new password for USERNAME (asked twice); their other sessions end."""
    from lms.auth.services import AccountError, set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        _fail(f"use at least {MIN_PASSWORD_LENGTH} characters")
    try:
        user = set_password(username, password)
    except AccountError as error:
        _fail(str(error))
    else:
        click.echo(f"password changed for {user.username}")


@click.command("set-role")
@click.argument("username")
@click.argument("role")
@with_appcontext
def set_role_command(username: str, role: str) -> None:
    """Give USERNAME the ROLE student, teacher, trainer or admin."""
    from lms.auth.services import AccountError, set_role

    try:
        user = set_role(username, role.strip().lower())
    except AccountError as error:
        _fail(str(error))
    else:
        click.echo(f"{user.username} is now {user.role}")


def _set_active_command(name: str, active: bool, help_text: str) -> click.Command:
    @click.command(name, help=help_text)
    @click.argument("username")
    @with_appcontext
    def command(username: str) -> None:
        from lms.auth.services import AccountError, set_active

        try:
            user = set_active(username, active)
        except AccountError as error:
            _fail(str(error))
        else:
            click.echo(f"{user.username} is {'active' if active else 'deactivated'}")

    return command


deactivate_command = _set_active_command(
    "deactivate", False, "Stop USERNAME from logging in; their open sessions end.")
activate_command = _set_active_command("activate", True, "Let USERNAME log in again.")

COMMANDS = (list_users_command, set_password_command, set_role_command, deactivate_command,
            activate_command)
