"""Trainer pages: course drafts, the markdown editor with preview, publishing and versions."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from lms.authoring import drafts, publishing, services
from lms.authoring.drafts import AuthoringDirs, DraftError
from lms.authoring.forms import (
    LANGUAGES,
    AddItemForm,
    AddModuleForm,
    CoauthorForm,
    EditForm,
    ImageForm,
    ImportForm,
    NewCourseForm,
    PublishForm,
)
from lms.authoring.media import ImageRefused
from lms.authoring.packages import ZipRefused
from lms.courses.layout import MEDIA_SUFFIXES
from lms.db import utcnow
from lms.web import ActionForm

bp = Blueprint("authoring", __name__, url_prefix="/author")

MAX_ZIP_BYTES = 10 * 1024 * 1024
_MEDIA_URL_RE = re.compile(r'(src|href)="(?:\.\./)*media/([^"]+)"')


def authoring_dirs() -> AuthoringDirs:
    return AuthoringDirs(Path(current_app.instance_path) / "authoring")


def _state() -> Any:
    return current_app.extensions["lms"]


@bp.before_request
def trainers_only() -> Response | None:
    """Everyone here is a logged-in trainer (admins have every role)."""
    if not current_user.is_authenticated:
        return redirect(url_for("lms.auth.login", next=request.path))
    if not current_user.has_role("trainer"):
        abort(403)
    return None


def _role(slug: str) -> str:
    """The user's role on the draft ``slug``; 404 when it is not theirs (or does not exist),
    so other trainers' drafts are not revealed."""
    if not (authoring_dirs().draft(slug) / "course.md").is_file():
        abort(404)
    role = services.role_for(slug, current_user.id, is_admin=current_user.has_role("admin"))
    if role is None:
        abort(404)
    return role


def _may_publish(role: str) -> bool:
    # Owners publish their own courses; co-authors edit, the owner or an admin publishes.
    return role in ("admin", "owner")


def _back(slug: str) -> Response:
    return redirect(url_for(".course", slug=slug))


@bp.get("/")
def index() -> str:
    """The trainer's courses: drafts they may edit, and courses authored on disk (export)."""
    entries = services.editable_courses(authoring_dirs(), current_user.id,
                                        is_admin=current_user.has_role("admin"))
    return render_template("lms/authoring/index.html", entries=entries)


@bp.route("/new", methods=["GET", "POST"])
def new_course() -> Response | str:
    """Start a course: its course.md and a first module with a lesson are written."""
    form = NewCourseForm()
    if form.validate_on_submit():
        languages = [code for code, _ in LANGUAGES if code in form.languages.data]
        try:
            services.create_course(authoring_dirs(), slug=form.slug.data, title=form.title.data,
                                   summary=form.summary.data, topic=form.topic.data,
                                   languages=languages, owner=current_user,
                                   course_dirs=_state().course_dirs)
        except DraftError as error:
            form.slug.errors.append(str(error))
        else:
            flash(gettext("Course created. Write its description, then its lessons."), "success")
            return _back(form.slug.data)
    return render_template("lms/authoring/new.html", form=form)


@bp.route("/import", methods=["GET", "POST"])
def import_course() -> Response | str:
    """Import a zipped course package as a new draft (checked first; nothing written on error)."""
    form = ImportForm()
    if form.validate_on_submit():
        data = form.package.data.read(MAX_ZIP_BYTES + 1)
        try:
            if len(data) > MAX_ZIP_BYTES:
                raise ZipRefused(gettext("The zip is larger than 10 MB."))
            slug = publishing.import_course(
                authoring_dirs(), data, owner_id=current_user.id,
                course_dirs=_state().course_dirs, question_types=_state().question_types,
                new_slug=form.new_slug.data or "")
        except (ZipRefused, DraftError) as error:
            form.package.errors = [*form.package.errors, str(error)]
        else:
            flash(gettext("Course imported as a draft."), "success")
            return _back(slug)
    return render_template("lms/authoring/import.html", form=form), (400 if form.errors else 200)


@bp.get("/courses/<slug>/")
def course(slug: str) -> str:
    """A draft's structure, its problems, and the publish, image and co-author forms."""
    role = _role(slug)
    dirs = authoring_dirs()
    tree = drafts.draft_tree(dirs.draft(slug))
    problems = services.check_draft(dirs, slug, _state().question_types)
    image_form = ImageForm()
    image_form.folder.choices = [SelectChoice("", gettext("Course folder"))] + [
        SelectChoice(module.rel, module.rel) for module in tree.modules]
    return render_template(
        "lms/authoring/course.html", slug=slug, role=role, tree=tree, problems=problems,
        errors=sum(p.is_error for p in problems), may_publish=_may_publish(role),
        is_admin=current_user.has_role("admin"), versions=publishing.versions(slug)[:3],
        authors=services.authors_of(slug), languages=_languages(dirs, slug),
        module_form=AddModuleForm(), item_form=AddItemForm(), image_form=image_form,
        publish_form=PublishForm(), coauthor_form=CoauthorForm(),
        uploaded=request.args.get("uploaded"), alt=request.args.get("alt", ""),
        published=publishing.course_source(dirs, slug) is not None and _is_live(slug))


def _is_live(slug: str) -> bool:
    from lms.courses.services import get_course

    course = get_course(slug)
    return course is not None and course.available


def _languages(dirs: AuthoringDirs, slug: str) -> list[str]:
    text = (dirs.draft(slug) / "course.md").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^languages:\s*\[([^\]]*)\]", text, re.MULTILINE)
    return [code.strip() for code in match.group(1).split(",")] if match else []


def _structure_change(slug: str, change: Any, done: str) -> Response:
    """Run one change to the draft's files under its lock and go back to the course page."""
    _role(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    root = authoring_dirs().draft(slug)
    try:
        with drafts.course_lock(root):
            change(root)
    except DraftError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return _back(slug)


@bp.post("/courses/<slug>/modules")
def add_module(slug: str) -> Response:
    form = AddModuleForm()
    title = (form.title.data or "").strip()
    return _structure_change(slug, lambda root: drafts.add_module(root, title),
                             gettext("Module added, with a first lesson."))


@bp.post("/courses/<slug>/items")
def add_item(slug: str) -> Response:
    form = AddItemForm()
    kind = "quiz" if form.kind.data == "quiz" else "lesson"
    return _structure_change(
        slug, lambda root: drafts.add_item(root, form.module.data or "",
                                           (form.title.data or "").strip(), kind),
        gettext("Quiz added.") if kind == "quiz" else gettext("Lesson added."))


@bp.post("/courses/<slug>/move")
def move(slug: str) -> Response:
    """Move a module or item up or down; the numbers in the file names follow."""
    offset = -1 if request.form.get("direction") == "up" else 1
    return _structure_change(slug, lambda root: drafts.move(root, request.form.get("rel", ""),
                                                            offset), gettext("Order changed."))


@bp.post("/courses/<slug>/translate")
def translate(slug: str) -> Response:
    language = request.form.get("language", "")
    if language not in _languages(authoring_dirs(), slug):
        abort(400)
    return _structure_change(
        slug, lambda root: drafts.add_translation(root, request.form.get("rel", ""), language),
        gettext("Translation started as a copy: translate it now."))


@bp.post("/courses/<slug>/images")
def upload_image(slug: str) -> Response:
    """Store an image after checking its type, size and (for SVG) content."""
    _role(slug)
    form = ImageForm()
    form.folder.choices = [SelectChoice(request.form.get("folder", ""), "")]
    if not form.validate_on_submit():
        flash(gettext("Choose an image and describe it (alt text is required)."), "error")
        return _back(slug)
    data = form.image.data.read(2 * 1024 * 1024 + 1)
    try:
        rel = services.upload_image(authoring_dirs(), slug, form.folder.data or "",
                                    form.image.data.filename or "", data, form.alt.data)
    except (ImageRefused, DraftError) as error:
        flash(gettext("Image not saved: %(reason)s", reason=str(error)), "error")
        return _back(slug)
    flash(gettext("Image saved. Copy the markdown below into a lesson."), "success")
    return redirect(url_for(".course", slug=slug, uploaded=rel, alt=form.alt.data) + "#images")


# -- the editor ----------------------------------------------------------------------------


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
                                        _state().question_types)
    by_line: dict[int, list[services.DraftProblem]] = {}
    for problem in preview.problems:
        by_line.setdefault(problem.line, []).append(problem)
    conflict_diff = None
    if conflict is not None:
        conflict_diff = list(difflib.unified_diff(
            conflict.current_text.split("\n"), services.normalise_text(text).split("\n"),
            gettext("saved meanwhile"), gettext("your version"), lineterm=""))
    return render_template(
        "lms/authoring/edit.html", slug=slug, rel=rel, form=form, preview=preview,
        html=_preview_html(slug, preview.text.html) if preview.text else None,
        lines=services.normalise_text(text).split("\n")[:-1], by_line=by_line,
        conflict=conflict, conflict_diff=conflict_diff), status


@bp.route("/courses/<slug>/edit/<path:rel>", methods=["GET", "POST"])
def edit(slug: str, rel: str) -> Response | tuple[str, int]:
    """Edit one markdown file: Preview shows the page and its problems, Save writes it."""
    _role(slug)
    dirs = authoring_dirs()
    try:
        data = drafts.read_file(dirs.draft(slug), rel)
    except DraftError:
        abort(404)
    if not rel.endswith(".md"):
        abort(404)
    form = EditForm()
    if request.method == "GET":
        form.text.data = data.decode("utf-8", errors="replace")
        form.base_hash.data = drafts.content_hash(data)
        return _editor(slug, rel, form, preview=None)
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("action") != "save":
        return _editor(slug, rel, form, preview=None)
    try:
        services.save_file(dirs, slug, rel, form.text.data or "",
                                      form.base_hash.data or "", _state().question_types)
    except services.Conflict as conflict:
        # Keep the trainer's text; the next save (after reading both) writes over the new one.
        form.base_hash.data = conflict.current_hash
        return _editor(slug, rel, form, preview=None, conflict=conflict, status=409)
    except services.Invalid as invalid:
        flash(gettext("Not saved: the file has errors. Fix the lines listed below."), "error")
        preview = services.preview_file(dirs, slug, rel, form.text.data or "",
                                        _state().question_types)
        preview.problems = invalid.problems
        return _editor(slug, rel, form, preview=preview, status=400)
    flash(gettext("Saved."), "success")
    return redirect(url_for(".edit", slug=slug, rel=rel))


@bp.post("/courses/<slug>/preview/<path:rel>")
def preview(slug: str, rel: str) -> tuple[str, int]:
    """The preview and problems alone, for the optional script that follows typing."""
    _role(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    text = request.form.get("text", "")
    try:
        result = services.preview_file(authoring_dirs(), slug, rel, text, _state().question_types)
    except DraftError:
        abort(404)
    html = _preview_html(slug, result.text.html) if result.text else None
    return render_template("lms/authoring/_preview.html", slug=slug, rel=rel, preview=result,
                           html=html), 200


@bp.get("/courses/<slug>/media/<path:rel>")
def media(slug: str, rel: str) -> Response:
    """The draft's images, for the preview."""
    _role(slug)
    if Path(rel).suffix.lower() not in MEDIA_SUFFIXES:
        abort(404)
    response = send_from_directory(authoring_dirs().draft(slug), rel, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# -- publishing, versions, round trip ----------------------------------------------------------


@bp.post("/courses/<slug>/publish")
def publish(slug: str) -> Response | tuple[str, int]:
    """Check the whole draft and publish it as the next version (nothing happens on errors)."""
    role = _role(slug)
    if not _may_publish(role):
        abort(403)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = publishing.publish(authoring_dirs(), slug, user_id=current_user.id,
                                     note=form.note.data or "", now=utcnow(),
                                     question_types=_state().question_types)
    except publishing.PublishRefused as refused:
        flash(gettext("Not published: the course has %(num)d error(s). Fix them first.",
                      num=len(refused.problems)), "error")
        return _back(slug)
    if version is None:
        flash(gettext("Nothing changed since the last version; the course is on the site."),
              "success")
    else:
        flash(gettext("Published as version %(num)d.", num=version.number), "success")
    return _back(slug)


@bp.post("/courses/<slug>/unpublish")
def unpublish(slug: str) -> Response:
    """Admins take a course off the site; learners' records and the versions stay."""
    _role(slug)
    if not current_user.has_role("admin") or not ActionForm().validate_on_submit():
        abort(403)
    publishing.unpublish(authoring_dirs(), slug)
    flash(gettext("The course is no longer on the site. Publish it again to bring it back."),
          "success")
    return _back(slug)


@bp.post("/courses/<slug>/authors")
def add_coauthor(slug: str) -> Response:
    """Admins let another trainer edit this course."""
    _role(slug)
    form = CoauthorForm()
    if not current_user.has_role("admin"):
        abort(403)
    if form.validate_on_submit():
        try:
            services.add_coauthor(slug, form.username.data)
        except DraftError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Co-author added."), "success")
    return _back(slug)


@bp.post("/courses/<slug>/authors/<int:user_id>/remove")
def remove_coauthor(slug: str, user_id: int) -> Response:
    _role(slug)
    if not current_user.has_role("admin") or not ActionForm().validate_on_submit():
        abort(403)
    services.remove_coauthor(slug, user_id)
    flash(gettext("Co-author removed."), "success")
    return _back(slug)


@bp.get("/courses/<slug>/versions/")
def versions(slug: str) -> str:
    """Every published version: number, label, who, when, note; pick two to compare."""
    _role(slug)
    rows = publishing.versions(slug)
    return render_template("lms/authoring/versions.html", slug=slug, versions=rows,
                           names=services.user_names({v.published_by_id for v in rows}))


@bp.get("/courses/<slug>/versions/<int:number>.zip")
def version_zip(slug: str, number: int) -> Response:
    _role(slug)
    version = publishing.get_version(slug, number)
    if version is None:
        abort(404)
    return _zip_response(version.package, f"{slug}-v{number}.zip")


@bp.get("/courses/<slug>/diff")
def diff(slug: str) -> str:
    """What changed between two versions, file by file."""
    _role(slug)
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
        _role(slug)
    try:
        data = publishing.export_course(dirs, slug)
    except DraftError:
        abort(404)
    return _zip_response(data, f"{slug}.zip")


def _zip_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
