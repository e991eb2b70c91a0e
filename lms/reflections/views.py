"""The teacher's reflections pages: a class's quizzes with reflections, one quiz's answers
side by side, and a private comment on one answer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.classes import queries
from lms.classes.blueprint import own_class, teacher_required
from lms.classes.models import SchoolClass
from lms.db import utcnow
from lms.i18n import page_language
from lms.reflections import services
from lms.reflections.forms import CommentForm

bp = Blueprint("reflections", __name__)


def _course_ids(school_class: SchoolClass) -> list[int]:
    return queries.class_course_ids(school_class, queries.class_assignments(school_class.id))


@bp.get("/teach/classes/<int:class_id>/reflections/")
@teacher_required
def index(class_id: int) -> str:
    """The quizzes of the class's courses that ask for reflections."""
    school_class = own_class(class_id)
    quizzes = services.reflection_quizzes(_course_ids(school_class), page_language())
    return render_template("lms/reflections/index.html", school_class=school_class,
                           quizzes=quizzes)


def _board_page(school_class: SchoolClass, item_id: int, form: CommentForm | None = None,
                status: int = 200) -> tuple[str, int]:
    found = services.board(school_class.id, item_id, language=page_language())
    if found is None or found.item.course_id not in _course_ids(school_class):
        abort(404)
    context: dict[str, Any] = {"school_class": school_class, "board": found,
                               "failed": form, "max_comment": services.MAX_COMMENT}
    return render_template("lms/reflections/board.html", **context), status


@bp.get("/teach/classes/<int:class_id>/reflections/<int:item_id>/")
@teacher_required
def board(class_id: int, item_id: int) -> tuple[str, int]:
    """Every student's latest answer to each reflection question of one quiz."""
    return _board_page(own_class(class_id), item_id)


@bp.post("/teach/classes/<int:class_id>/reflections/<int:item_id>/comment")
@teacher_required
def comment(class_id: int, item_id: int) -> Response | tuple[str, int]:
    """A private comment on one answer; 403 for an attempt that is not this class's."""
    school_class = own_class(class_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _board_page(school_class, item_id, form, 400)
    try:
        services.add_comment(class_id=school_class.id, teacher_id=current_user.id,
                             attempt_id=int(form.attempt.data), question_key=str(form.key.data),
                             body=str(form.body.data), now=utcnow())
    except services.CommentRefused:
        abort(403)
    flash(gettext("Comment sent. The student sees it on their quiz result."), "success")
    return redirect(url_for(".board", class_id=class_id, item_id=item_id,
                            _anchor=f"answer-{form.attempt.data}-{form.key.data}"))
