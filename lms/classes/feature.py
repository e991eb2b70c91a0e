"""The classes feature's registration (see lms.features)."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms import hooks
from lms.classes.join_links import join_pending, pending_extras
from lms.classes.services import wears_a_teachers_name
from lms.classes.views import bp
from lms.features import ACCOUNT, Feature, NavEntry


def setup(app: Flask, blueprint: Blueprint) -> None:
    # Classes build on accounts: a student may not take the name of a teacher of their classes.
    hooks.add(hooks.name_refusals, wears_a_teachers_name)
    # A join link followed before logging in: the login and sign-up pages name the class,
    # and the learner lands in it once they are in.
    hooks.add(hooks.sign_in_extras, pending_extras)
    hooks.add(hooks.after_sign_in, join_pending)


feature = Feature(
    name="classes",
    blueprints=(bp,),
    models=("lms.classes.models",),
    setup=setup,
    nav=(NavEntry("lms.classes.index", _l("My classes"), roles=("teacher",), order=10),
         NavEntry("lms.classes.join", _l("Join a class"), hidden_from=("teacher",), order=50)),
    # The teacher pages; which class is whose is the views' check (404 for another's).
    access={
        **{f"lms.classes.{name}": ("teacher",) for name in (
            "index", "create", "dashboard", "members", "accounts", "assign", "export_csv",
            "export_xlsx", "module_detail", "student_detail", "archive", "regenerate_code",
            "remove_member", "unassign")},
        "lms.classes.join": (ACCOUNT,),
        "lms.classes.join_with_code": (ACCOUNT,),
    },
)
