"""The authoring feature's registration (see lms.features): trainers' drafts and publishing,
and ``lms courses export`` / ``import`` / ``import-drafts``."""

from __future__ import annotations

import click
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms import hooks
from lms.authoring.blueprint import prepare_published_here, published_folder_here
from lms.authoring.cli import export_command, import_command, import_drafts_command
from lms.authoring.views import bp
from lms.features import Feature, NavEntry

# Merged by name into ``lms courses`` (lms.extension).
courses_group = click.Group("courses", commands=(export_command, import_command,
                                                 import_drafts_command))


def setup(app: Flask, blueprint: Blueprint) -> None:
    # A course published on another app server: unpacked from its stored version for the
    # learner's images and before ``lms courses sync`` reads this server's folders.
    hooks.add(hooks.course_folder_fallbacks, published_folder_here)
    hooks.add(hooks.before_course_sync, prepare_published_here)

feature = Feature(
    name="authoring",
    blueprints=(bp,),
    models=("lms.authoring.models",),
    commands=(courses_group,),
    setup=setup,
    nav=(NavEntry("lms.authoring.index", _l("Author"), roles=("trainer",), order=20),),
    access={
        **{f"lms.authoring.{name}": ("trainer",) for name in (
            "index", "new_course", "import_course", "course", "edit", "media", "versions",
            "version_zip", "diff", "export", "add_module", "add_item", "move", "translate",
            "upload_image", "delete", "rename", "preview", "publish", "guide", "edit_live",
            "take_over")},
        # Withdrawing a course and choosing its co-authors are the admins' decisions.
        **{f"lms.authoring.{name}": ("admin",) for name in (
            "unpublish", "add_coauthor", "remove_coauthor")},
    },
)
