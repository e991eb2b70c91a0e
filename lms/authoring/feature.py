"""The authoring feature's registration (see lms.features): trainers' drafts and publishing,
and ``lms courses export`` / ``import``."""

from __future__ import annotations

import click
from flask_babel import lazy_gettext as _l

from lms.authoring.cli import export_command, import_command
from lms.authoring.views import bp
from lms.features import Feature, NavEntry

# Merged by name into ``lms courses`` (lms.extension).
courses_group = click.Group("courses", commands=(export_command, import_command))

feature = Feature(
    name="authoring",
    blueprints=(bp,),
    models=("lms.authoring.models",),
    commands=(courses_group,),
    nav=(NavEntry("lms.authoring.index", _l("Author"), roles=("trainer",), order=20),),
)
