"""Editing a course that is on the site: open its draft, or take over one authored as files."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.authoring import live, services
from lms.authoring.blueprint import authoring_dirs, back_to_course, bp, lms_state
from lms.authoring.storage import DraftError
from lms.authoring.translated import translated
from lms.db import utcnow
from lms.forms import ActionForm


@bp.get("/live/<slug>/")
def edit_live(slug: str) -> Response | tuple[str, int]:
    """"Edit" on a live course: its draft under the same course id. A course authored as
    files says so and offers to take it over in the browser."""
    dirs = authoring_dirs()
    course = live.live_course(dirs, slug)
    if course is None:
        abort(404)
    is_admin = current_user.has_role("admin")
    role = services.role_for(slug, current_user.id, is_admin=is_admin)
    if course.kind == "draft" and role is not None:
        return back_to_course(slug)
    if course.kind == "browser" and role is not None:
        try:
            live.open_draft(dirs, slug, user_id=current_user.id, is_admin=is_admin,
                            course_dirs=lms_state().course_dirs,
                            question_types=lms_state().question_types)
        except DraftError as error:
            flash(translated(error), "error")
        else:
            flash(gettext("The draft was made again from the published course."), "success")
            return back_to_course(slug)
    return render_template("lms/authoring/live.html", live=course, role=role,
                           source=course.course.source_dir, form=ActionForm()), (
        200 if course.kind == "files" else 403)


@bp.post("/live/<slug>/take-over")
def take_over(slug: str) -> Response | tuple[str, int]:
    """Copy a course authored as files into a draft of the same id; the browser wins from
    now on (recorded, and `lms courses sync` skips its files)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        live.take_over(authoring_dirs(), slug, user_id=current_user.id, now=utcnow(),
                       course_dirs=lms_state().course_dirs,
                       question_types=lms_state().question_types)
    except DraftError as error:
        if live.live_course(authoring_dirs(), slug) is None:
            abort(404)
        flash(gettext("Not taken over: %(reason)s", reason=translated(error)), "error")
        return redirect(url_for(".edit_live", slug=slug))
    flash(gettext("The course is now written in the browser. Its files are no longer synced; "
                  "publish to make the next version."), "success")
    return back_to_course(slug)
