"""Publishing a draft, its co-authors, its published versions and the zip round trip."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.authoring import publishing, services
from lms.authoring.blueprint import (
    authoring_dirs,
    back_to_course,
    bp,
    draft_role,
    lms_state,
    may_publish,
)
from lms.authoring.forms import CoauthorForm, PublishForm
from lms.authoring.storage import DraftError
from lms.authoring.translated import translated
from lms.db import utcnow
from lms.forms import ActionForm
from lms.security import role_required


@bp.post("/courses/<slug>/publish")
def publish(slug: str) -> Response | tuple[str, int]:
    """Check the whole draft and publish it as the next version (nothing happens on errors)."""
    role = draft_role(slug)
    if not may_publish(role):
        abort(403)
    form = PublishForm()
    if not form.validate_on_submit():
        if not form.label.errors and not form.note.errors:
            abort(400)  # no CSRF token: not a form of ours
        # A label or note too long: say which, keep the draft as it is.
        for problem in (*form.label.errors, *form.note.errors):
            flash(gettext("Not published: %(reason)s", reason=problem), "error")
        return back_to_course(slug)
    try:
        version = publishing.publish(authoring_dirs(), slug, user_id=current_user.id,
                                     note=form.note.data or "", now=utcnow(),
                                     question_types=lms_state().question_types,
                                     label=form.label.data or "")
    except DraftError as error:
        flash(gettext("Not published: %(reason)s", reason=translated(error)), "error")
        return back_to_course(slug)
    except publishing.PublishRefused as refused:
        flash(gettext("Not published: the course has %(num)d error(s). Fix them first.",
                      num=len(refused.problems)), "error")
        return back_to_course(slug)
    if version is None:
        flash(gettext("Nothing changed since the last version; the course is on the site."),
              "success")
    else:
        flash(gettext("Published as version %(label)s.", label=version.label), "success")
    return back_to_course(slug)


@bp.post("/courses/<slug>/unpublish")
@role_required("admin")
def unpublish(slug: str) -> Response:
    """Admins take a course off the site; learners' records and the versions stay."""
    draft_role(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    publishing.unpublish(authoring_dirs(), slug)
    flash(gettext("The course is no longer on the site. Publish it again to bring it back."),
          "success")
    return back_to_course(slug)


@bp.post("/courses/<slug>/authors")
@role_required("admin")
def add_coauthor(slug: str) -> Response:
    """Admins let another trainer edit this course."""
    draft_role(slug)
    form = CoauthorForm()
    if form.validate_on_submit():
        try:
            services.add_coauthor(slug, form.username.data)
        except DraftError as error:
            flash(translated(error), "error")
        else:
            flash(gettext("Co-author added."), "success")
    return back_to_course(slug)


@bp.post("/courses/<slug>/authors/<int:user_id>/remove")
@role_required("admin")
def remove_coauthor(slug: str, user_id: int) -> Response:
    draft_role(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_coauthor(slug, user_id)
    flash(gettext("Co-author removed."), "success")
    return back_to_course(slug)


@bp.get("/courses/<slug>/versions/")
def versions(slug: str) -> str:
    """Every published version: number, label, who, when, note; pick two to compare."""
    draft_role(slug)
    rows = publishing.versions(slug)
    return render_template("lms/authoring/versions.html", slug=slug, versions=rows,
                           names=services.user_names({v.published_by_id for v in rows}))


@bp.get("/courses/<slug>/versions/<int:number>.zip")
def version_zip(slug: str, number: int) -> Response:
    draft_role(slug)
    version = publishing.get_version(slug, number)
    if version is None:
        abort(404)
    return _zip_response(version.package, f"{slug}-v{number}.zip")


@bp.get("/courses/<slug>/diff")
def diff(slug: str) -> str:
    """What changed between two versions, file by file."""
    draft_role(slug)
    old = publishing.get_version(slug, request.args.get("from", type=int) or 0)
    new = publishing.get_version(slug, request.args.get("to", type=int) or 0)
    if old is None or new is None:
        abort(404)
    return render_template("lms/authoring/diff.html", slug=slug, old=old, new=new,
                           files=publishing.version_diff(old, new))


@bp.get("/courses/<slug>/export.zip")
def export(slug: str) -> Response:
    """Any course as a zip in the package format: a draft (its authors), or a course
    authored on disk (any trainer: those files are the project's own sources)."""
    dirs = authoring_dirs()
    if (dirs.draft(slug) / "course.md").is_file():
        draft_role(slug)
    try:
        data = publishing.export_course(dirs, slug)
    except DraftError:
        abort(404)
    return _zip_response(data, f"{slug}.zip")


def _zip_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
