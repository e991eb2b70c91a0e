"""The resets feature's registration (see lms.features): everything the LMS needs to know
about password resets, so that no other package imports this one."""

from __future__ import annotations

from flask import Blueprint, Flask

from lms import hooks
from lms.features import Feature
from lms.resets import services
from lms.resets.account_views import login_with_code, require_new_password
from lms.resets.views import bp


def _members_extras(class_id: int, teacher_id: int, students: list) -> dict:
    return {"may_reset": services.permissions_for(teacher_id, students),
            "resets": services.latest_resets(s.id for s in students)}


def _student_extras(user_id: int) -> dict:
    return {"resets": services.resets_of(user_id)}


def setup(app: Flask, blueprint: Blueprint) -> None:
    # A session opened with a one-time code may do nothing but choose a new password.
    blueprint.before_request(require_new_password)
    hooks.add(hooks.login_fallbacks, login_with_code)
    hooks.add(hooks.class_members_extras, _members_extras)
    hooks.add(hooks.class_student_extras, _student_extras)


feature = Feature(
    name="resets",
    blueprints=(bp,),
    models=("lms.resets.models",),
    setup=setup,
    access={
        "lms.resets.teacher_reset": ("teacher",),
        "lms.resets.teacher_code": ("teacher",),
        "lms.resets.admin_reset": ("admin",),
        "lms.resets.admin_code": ("admin",),
        "lms.resets.admin_list": ("admin",),
    },
)
