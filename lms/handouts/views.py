"""A module printed for a classroom without a connection: the handout and its answer key."""

from __future__ import annotations

import re

from flask import Blueprint, abort, request
from werkzeug.wrappers import Response

from lms.classes.blueprint import own_class, teacher_required
from lms.handouts import services
from lms.i18n import page_language, supported_languages

bp = Blueprint("handouts", __name__)


def _language() -> str:
    """``?language=it`` when it is one of the site's languages, else the page's."""
    wanted = request.args.get("language", "")
    return wanted if wanted in supported_languages() else page_language()


def _send(class_id: int, module_id: int, kind: str) -> Response:
    school_class = own_class(class_id)
    if services.module_of_class(school_class, module_id) is None:
        abort(404)  # not a module of this class's courses
    language = _language()
    found = services.handout(module_id, kind=kind, language=language)
    if found is None:
        abort(404)
    name = re.sub(r"[^A-Za-z0-9-]+", "-", f"{found.course_slug}-{found.module_slug}")
    filename = f"{name.strip('-')[:80]}-{language}-{kind}.pdf"
    return Response(found.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


@bp.get("/teach/classes/<int:class_id>/modules/<int:module_id>/handout.pdf")
@teacher_required
def handout(class_id: int, module_id: int) -> Response:
    """The students' handout: lessons, images, activities, questions without answers."""
    return _send(class_id, module_id, "handout")


@bp.get("/teach/classes/<int:class_id>/modules/<int:module_id>/answers.pdf")
@teacher_required
def answers(class_id: int, module_id: int) -> Response:
    """The teacher's answer key, a separate file so the handout can be photocopied."""
    return _send(class_id, module_id, "answers")
