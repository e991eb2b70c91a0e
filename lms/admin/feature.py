"""The admin pages' registration (see lms.features): accounts of any role and the admin log."""

from __future__ import annotations

from flask import Blueprint, Flask

from lms import hooks
from lms.admin import log
from lms.admin.views import bp
from lms.features import Feature


def setup(app: Flask, blueprint: Blueprint) -> None:
    # Account changes made through lms.auth's services (the command line too) are logged.
    hooks.add(hooks.account_changes, log.record)


feature = Feature(
    name="admin",
    blueprints=(bp,),
    models=("lms.admin.models",),
    setup=setup,
    access={endpoint: ("admin",) for endpoint in (
        "lms.admin.create_user", "lms.admin.change_role", "lms.admin.toggle_active",
        "lms.admin.admin_log_page", "lms.admin.import_users", "lms.admin.import_commit")},
)
