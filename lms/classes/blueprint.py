"""The ``classes`` blueprint and what its pages share: the teacher check and class lookup.

Every teacher page needs the teacher role (students get 403) and a class the teacher runs
(another teacher's class answers 404, as if it did not exist). Admins see every class.
The pages themselves live in the ``*_views`` modules; :mod:`lms.classes.views` imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app
from flask_babel import format_date
from flask_login import current_user

from lms.auth.models import Role
from lms.classes import services
from lms.classes.models import SchoolClass
from lms.forms import ActionForm
from lms.security import role_required

bp = Blueprint("classes", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def school_timezone() -> str:
    """Where the school is: due dates end and days begin there."""
    return str(current_app.config.get("LMS_TIMEZONE", "Europe/Rome"))


@bp.app_template_filter("lms_day")
def local_day(value: datetime | None) -> str:
    """A date in the school's time zone, in the page's language."""
    if value is None:
        return ""
    return format_date(value.astimezone(ZoneInfo(school_timezone())).date(), "medium")


#: Log in first; then only teachers (and admins) may go on (lms.security.role_required).
teacher_required = role_required(Role.TEACHER)


def own_class(class_id: int) -> SchoolClass:
    """The class when the current user teaches it (or is an admin); 404 otherwise."""
    school_class = services.visible_class(class_id, viewer_id=current_user.id,
                                          is_admin=current_user.role == Role.ADMIN)
    if school_class is None:
        abort(404)
    return school_class


def require_action() -> None:
    """Button-only POST forms carry just a CSRF token; anything else is a bad request."""
    if not ActionForm().validate_on_submit():
        abort(400)
