"""The LTI feature's registration (see lms.features)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from flask_login import user_logged_in

from lms import hooks
from lms.features import Feature, NavEntry
from lms.lti import grades, score_report
from lms.lti.cli import lti_group
from lms.lti.cookies import forget_lti_session, framing_origins, install_session_cookies
from lms.lti.roster_views import roster_extras
from lms.lti.views import bp
from lms.signals import course_completed, item_completed, quiz_submitted


def setup(app: Flask, blueprint: Blueprint) -> None:
    # Launches run inside the platform's iframe: their session cookie is cross-site and the
    # registered platforms may frame the pages they open.
    install_session_cookies(app)
    hooks.add(hooks.frame_ancestors, framing_origins)
    user_logged_in.connect(forget_lti_session, app)
    # Progress and quiz results feed the platforms' line items (grade passback).
    item_completed.connect(grades.on_item_completed)
    quiz_submitted.connect(grades.on_quiz_submitted)
    course_completed.connect(grades.on_course_completed)
    hooks.add(hooks.class_student_extras, _student_grades)
    # An LTI class's members page: "Update the class list from <platform>" (NRPS 2.0).
    hooks.add(hooks.class_members_extras, roster_extras)


def _student_grades(user_id: int) -> dict[str, Any]:
    """A student's page in a class shows where their grades went (platform learners)."""
    return {"lti_grades": score_report.of_learner(user_id)}


feature = Feature(
    name="lti",
    blueprints=(bp,),
    models=("lms.lti.models", "lms.lti.grade_models"),
    commands=(lti_group,),
    nav=(NavEntry("lms.lti.admin_index", _l("LTI platforms"), roles=("admin",), order=90),),
    access={"lms.lti.admin_index": ("admin",), "lms.lti.admin_create": ("admin",),
            # Which class is whose is the view's check (404 for another's).
            "lms.lti.roster_sync": ("teacher",)},
    # The other endpoints are called by platforms, not people, and need no login (each request
    # carries its own proof): no access rows (tests/test_authorization_matrix.py lists them).
    setup=setup,
)
