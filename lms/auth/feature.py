"""The accounts feature's registration (see lms.features): sign-up, login, the account pages,
the ``users`` table and the operator's ``lms users …`` commands."""

from __future__ import annotations

import click

from lms.auth.cli import COMMANDS
from lms.auth.views import bp
from lms.features import ACCOUNT, VISITOR, Feature

# Merged by name with the other features' ``users`` commands (lms.extension).
users_group = click.Group("users", help="Manage accounts.", commands=COMMANDS)

feature = Feature(
    name="auth", blueprints=(bp,), models=("lms.auth.models",), commands=(users_group,),
    access={
        **{f"lms.auth.{name}": (VISITOR,) for name in (
            "login", "signup", "request_reset", "reset_password", "logout", "confirm_email")},
        **{f"lms.auth.{name}": (ACCOUNT,) for name in (
            "account", "change_password", "change_email", "request_confirmation")},
    },
)
