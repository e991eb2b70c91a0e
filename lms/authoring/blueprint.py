"""The ``authoring`` blueprint and what its pages share: the trainer check and draft roles.

The pages live in the ``*_views`` modules; :mod:`lms.authoring.views` imports them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.authoring import services
from lms.authoring.published import prepare_published, published_folder
from lms.authoring.shared import SharedDirs
from lms.authoring.storage import AuthoringDirs
from lms.authoring.translated import translated_filter
from lms.security import access_refused

bp = Blueprint("authoring", __name__, url_prefix="/author")
bp.add_app_template_filter(translated_filter, "translated")


def authoring_dirs() -> AuthoringDirs:
    """Drafts in the database, worked on in this server's instance folder."""
    # Outside a request (a test, a command) nobody is logged in: updated_by stays empty.
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    return SharedDirs(Path(current_app.instance_path) / "authoring", user_id=user_id)


def published_folder_here(slug: str) -> Path | None:
    """lms.hooks.course_folder_fallbacks (see lms.authoring.feature)."""
    return published_folder(authoring_dirs(), slug)


def prepare_published_here() -> None:
    """lms.hooks.before_course_sync (see lms.authoring.feature)."""
    prepare_published(authoring_dirs())


def lms_state() -> Any:
    """The LMS extension state: course folders and question types."""
    return current_app.extensions["lms"]


@bp.before_request
def trainers_only() -> Response | None:
    """Everyone here is a logged-in trainer (admins have every role)."""
    return access_refused("trainer")


def draft_role(slug: str) -> str:
    """The user's role on the draft ``slug``; 404 when it is not theirs (or does not exist),
    so other trainers' drafts are not revealed."""
    if not (authoring_dirs().draft(slug) / "course.md").is_file():
        abort(404)
    role = services.role_for(slug, current_user.id, is_admin=current_user.has_role("admin"))
    if role is None:
        abort(404)
    return role


def may_publish(role: str) -> bool:
    # Owners publish their own courses; co-authors edit, the owner or an admin publishes.
    return role in ("admin", "owner")


def back_to_course(slug: str) -> Response:
    return redirect(url_for(".course", slug=slug))
