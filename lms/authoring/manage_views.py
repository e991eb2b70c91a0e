"""Trainer pages that change what a draft holds: delete a module, lesson, quiz or image (after a
confirmation page), and rename a module, lesson or quiz (its title; its id stays)."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from lms.authoring import removal, retitle
from lms.authoring.blueprint import authoring_dirs, back_to_course, bp, draft_role, lms_state
from lms.authoring.forms import RenameForm
from lms.forms import ActionForm


def _deleted(deletion: removal.Deletion) -> str:
    name = deletion.title or deletion.name
    return {
        "module": gettext("Module “%(name)s” deleted from the draft, with its lessons and "
                          "quizzes.", name=name),
        "lesson": gettext("Lesson “%(name)s” deleted from the draft.", name=name),
        "quiz": gettext("Quiz “%(name)s” deleted from the draft.", name=name),
    }.get(deletion.kind, gettext("Image %(name)s deleted from the draft.", name=name))


def _confirm_page(slug: str, deletion: removal.Deletion, status: int = 200) -> tuple[str, int]:
    return render_template("lms/authoring/delete.html", slug=slug, deletion=deletion,
                           form=ActionForm()), status


@bp.route("/courses/<slug>/delete/<path:rel>", methods=["GET", "POST"])
def delete(slug: str, rel: str) -> Response | tuple[str, int]:
    """GET: what would be deleted, and a confirm button. POST: delete it from the draft."""
    draft_role(slug)
    dirs, question_types = authoring_dirs(), lms_state().question_types
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            deletion = removal.delete_from_draft(dirs, slug, rel, question_types)
        except removal.NotInDraft:
            abort(404)
        except removal.DeleteRefused as refused:
            return _confirm_page(slug, refused.deletion, status=409)
        flash(_deleted(deletion), "success")
        return back_to_course(slug)
    try:
        deletion = removal.describe_deletion(dirs, slug, rel, question_types)
    except removal.NotInDraft:
        abort(404)
    return _confirm_page(slug, deletion)


@bp.route("/courses/<slug>/rename/<path:rel>", methods=["GET", "POST"])
def rename(slug: str, rel: str) -> Response | tuple[str, int]:
    """Change the title of a module, lesson or quiz in the draft."""
    draft_role(slug)
    dirs = authoring_dirs()
    try:
        target = retitle.renamable(dirs, slug, rel)
    except removal.NotInDraft:
        abort(404)
    form = RenameForm()
    form.title.description = gettext(
        "Only the title changes. The id “%(id)s” stays the same: it is part of the page's "
        "address, and learners' progress is stored against it.", id=target.name)
    problems: list[str] = []
    if request.method == "GET":
        form.title.data = target.title
    elif form.validate_on_submit():
        try:
            retitle.rename_title(dirs, slug, rel, form.title.data, lms_state().question_types)
        except retitle.TitleRefused as refused:
            problems = refused.problems
            form.title.errors = [gettext("This title cannot be saved: the course check "
                                         "finds errors with it (listed below).")
                                 if problems else gettext("This title cannot be saved: the "
                                                          "file's front matter is broken. Fix "
                                                          "it in the editor first.")]
        else:
            flash(gettext("Renamed to “%(title)s”.", title=form.title.data), "success")
            return back_to_course(slug)
    return render_template("lms/authoring/rename.html", slug=slug, target=target, form=form,
                           problems=problems), (400 if form.errors else 200)
