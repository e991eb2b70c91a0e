"""The markdown editor: edit one file of a draft, preview it with its problems, its images."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup
from werkzeug.wrappers import Response

from lms.authoring import outline, services, storage
from lms.authoring.blueprint import authoring_dirs, bp, draft_role, lms_state
from lms.authoring.forms import LANGUAGES, EditForm
from lms.authoring.storage import DraftError
from lms.courses.layout import MEDIA_SUFFIXES
from lms.forms import ActionForm
from lms.media_policy import media_policy

_MEDIA_URL_RE = re.compile(r'(src|href)="(?:\.\./)*media/([^"]+)"')


def _preview_html(slug: str, html: str) -> Markup:
    """Point the rendered page's media at the draft (the learner page's addresses differ)."""
    def local(match: re.Match[str]) -> str:
        return f'{match.group(1)}="{url_for(".media", slug=slug, rel=match.group(2))}"'

    return Markup(_MEDIA_URL_RE.sub(local, html))  # noqa: S704 (sanitised by render_markdown)


def _editor(slug: str, rel: str, form: EditForm, *, preview: services.Preview | None,
            conflict: services.Conflict | None = None, status: int = 200) -> tuple[str, int]:
    text = form.text.data or ""
    if preview is None:
        preview = services.preview_file(authoring_dirs(), slug, rel, text,
                                        lms_state().question_types)
    by_line: dict[int, list[services.DraftProblem]] = {}
    for problem in preview.problems:
        by_line.setdefault(problem.line, []).append(problem)
    conflict_diff = None
    if conflict is not None:
        conflict_diff = list(difflib.unified_diff(
            conflict.current_text.split("\n"), services.normalise_text(text).split("\n"),
            gettext("saved meanwhile"), gettext("your version"), lineterm=""))
    languages = outline.course_languages(authoring_dirs().draft(slug))
    tree = outline.draft_outline(authoring_dirs().draft(slug), languages)
    page = outline.page_of(tree, rel)
    this_file = next((f for f in page.files if f.rel == rel), None) if page else None
    course_page = next((p for p in tree.texts if p.kind == "course"), None)
    return render_template(
        "lms/authoring/edit.html", slug=slug, rel=rel, form=form, preview=preview,
        page=page, this_file=this_file, language_names=dict(LANGUAGES),
        course_title=course_page.title if course_page else slug,
        is_quiz=rel.endswith(".quiz.md") or ".quiz." in rel.rsplit("/", 1)[-1],
        html=_preview_html(slug, preview.text.html) if preview.text else None,
        lines=services.normalise_text(text).split("\n")[:-1], by_line=by_line,
        conflict=conflict, conflict_diff=conflict_diff), status


@bp.route("/courses/<slug>/edit/<path:rel>", methods=["GET", "POST"])
def edit(slug: str, rel: str) -> Response | tuple[str, int]:
    """Edit one markdown file: Preview shows the page and its problems, Save writes it."""
    draft_role(slug)
    dirs = authoring_dirs()
    try:
        data = storage.read_file(dirs.draft(slug), rel)
    except DraftError:
        abort(404)
    if not rel.endswith(".md"):
        abort(404)
    form = EditForm()
    if request.method == "GET":
        form.text.data = data.decode("utf-8", errors="replace")
        form.base_hash.data = storage.content_hash(data)
        return _editor(slug, rel, form, preview=None)
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("action") != "save":
        return _editor(slug, rel, form, preview=None)
    try:
        _hash, problems = services.save_file(dirs, slug, rel, form.text.data or "",
                                             form.base_hash.data or "",
                                             lms_state().question_types)
    except services.Conflict as conflict:
        # Keep the trainer's text; the next save (after reading both) writes over the new one.
        form.base_hash.data = conflict.current_hash
        return _editor(slug, rel, form, preview=None, conflict=conflict, status=409)
    errors = sum(1 for problem in problems if problem.is_error)
    if errors:
        flash(ngettext("Saved, with %(num)d error next to its line below: fix it before "
                       "publishing.",
                       "Saved, with %(num)d errors next to their lines below: fix them before "
                       "publishing.", errors), "error")
    else:
        flash(gettext("Saved."), "success")
    return redirect(url_for(".edit", slug=slug, rel=rel))


@bp.get("/guide/")
def guide() -> str:
    """"Writing a course" (``courses/README.md``, shipped with the LMS) for trainers."""
    from lms.config import shipped_courses_dir
    from lms.markdown import render_markdown

    readme = shipped_courses_dir() / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    return render_template("lms/authoring/guide.html", html=Markup(  # noqa: S704 (sanitised)
        render_markdown(text)) if text else None)


@bp.post("/courses/<slug>/preview/<path:rel>")
def preview(slug: str, rel: str) -> tuple[str, int]:
    """The preview and problems alone, for the optional script that follows typing."""
    draft_role(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    text = request.form.get("text", "")
    try:
        result = services.preview_file(authoring_dirs(), slug, rel, text,
                                       lms_state().question_types)
    except DraftError:
        abort(404)
    html = _preview_html(slug, result.text.html) if result.text else None
    return render_template("lms/authoring/_preview.html", slug=slug, rel=rel, preview=result,
                           html=html), 200


@bp.get("/courses/<slug>/media/<path:rel>")
def media(slug: str, rel: str) -> Response:
    """The draft's images, for the preview."""
    draft_role(slug)
    if Path(rel).suffix.lower() not in MEDIA_SUFFIXES:
        abort(404)
    folder = authoring_dirs().draft(slug)
    response = send_from_directory(folder, rel, max_age=0)
    response.headers["Content-Security-Policy"] = media_policy(folder, rel)
    return response
