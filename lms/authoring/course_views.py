"""Trainer pages for a course draft as a whole: the list, new and imported courses, the
course page, and changes to its structure (modules, items, order, translations, images)."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from lms.auth.session_user import full_user
from lms.authoring import (
    drafts,
    labels,
    outline,
    publishing,
    reorder,
    services,
    translations,
)
from lms.authoring.blueprint import (
    authoring_dirs,
    back_to_course,
    bp,
    draft_role,
    lms_state,
    may_publish,
)
from lms.authoring.forms import (
    LANGUAGES,
    AddItemForm,
    AddModuleForm,
    CoauthorForm,
    ImageForm,
    ImportForm,
    NewCourseForm,
    PublishForm,
)
from lms.authoring.media import ImageRefused, megabytes
from lms.authoring.packages import ZipRefused
from lms.authoring.storage import AuthoringDirs, DraftError
from lms.authoring.translated import translated
from lms.forms import ActionForm

MAX_ZIP_BYTES = 10 * 1024 * 1024


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
                                   languages=languages, owner=full_user(current_user.id),
                                   course_dirs=lms_state().course_dirs)
        except DraftError as error:
            form.slug.errors.append(translated(error))
        else:
            flash(gettext("Course created. Write its description, then its lessons."), "success")
            return back_to_course(form.slug.data)
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
                course_dirs=lms_state().course_dirs, question_types=lms_state().question_types,
                new_slug=form.new_slug.data or "", new_title=form.new_title.data or "")
        except (ZipRefused, DraftError) as error:
            form.package.errors = [*form.package.errors, translated(error)]
        else:
            flash(gettext("Course imported as a draft."), "success")
            return back_to_course(slug)
    return render_template("lms/authoring/import.html", form=form), (400 if form.errors else 200)


@bp.get("/courses/<slug>/")
def course(slug: str) -> str:
    """A draft's structure, its problems, and the publish, image and co-author forms."""
    role = draft_role(slug)
    dirs = authoring_dirs()
    languages = _languages(dirs, slug)
    tree = outline.draft_outline(dirs.draft(slug), languages)
    problems = services.check_draft(dirs, slug, lms_state().question_types)
    image_form = ImageForm()
    image_form.folder.choices = [SelectChoice("", gettext("Course folder"))] + [
        SelectChoice(module.rel, module.title) for module in tree.modules]
    image_form.image.description = gettext(
        "At most %(size)s MB. Photos wider than %(width)s pixels are made smaller, and the "
        "camera's data (EXIF, such as where the photo was taken) is removed.",
        size=megabytes(current_app.config["LMS_IMAGE_MAX_BYTES"]),
        width=current_app.config["LMS_IMAGE_MAX_WIDTH"])
    course_page = next((page for page in tree.texts if page.kind == "course"), None)
    return render_template(
        "lms/authoring/course.html", slug=slug, role=role, outline=tree, problems=problems,
        course_title=course_page.title if course_page else slug,
        language_names=dict(LANGUAGES), file_titles=_file_titles(tree),
        errors=sum(p.is_error for p in problems), may_publish=may_publish(role),
        is_admin=current_user.has_role("admin"), versions=publishing.versions(slug)[:3],
        authors=services.authors_of(slug), languages=languages,
        module_form=AddModuleForm(), item_form=AddItemForm(), image_form=image_form,
        publish_form=PublishForm(label=labels.propose_label(slug, _draft_label(dirs, slug))),
        coauthor_form=CoauthorForm(),
        uploaded=request.args.get("uploaded"), alt=request.args.get("alt", ""),
        published=_is_live(slug))


def _is_live(slug: str) -> bool:
    from lms.courses.services import get_course

    course = get_course(slug)
    return course is not None and course.available


def _file_titles(tree: outline.Outline) -> dict[str, str]:
    """Each markdown file as the trainer knows it: "Water is a right (it)"."""
    pages = [*tree.texts, *tree.modules, *(i for m in tree.modules for i in m.items)]
    return {f.rel: f"{f.title or f.rel} ({f.language})" for page in pages for f in page.files}


def _draft_label(dirs: AuthoringDirs, slug: str) -> str:
    text = (dirs.draft(slug) / "course.md").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^version:\s*[\"']?([^\"'\n]*)", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _languages(dirs: AuthoringDirs, slug: str) -> list[str]:
    return outline.course_languages(dirs.draft(slug))


def _structure_change(slug: str, change: Any, done: str) -> Response:
    """Run one change to the draft's files under its lock and go back to the course page."""
    draft_role(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with authoring_dirs().editing(slug) as root:
            change(root)
    except DraftError as error:
        flash(translated(error), "error")
    else:
        flash(done, "success")
    return back_to_course(slug)


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
    return _structure_change(slug, lambda root: reorder.move(root, request.form.get("rel", ""),
                                                            offset), gettext("Order changed."))


@bp.post("/courses/<slug>/translate")
def translate(slug: str) -> Response:
    """Start a translation as a copy marked untranslated, and open it in the editor."""
    draft_role(slug)
    language = request.form.get("language", "")
    languages = _languages(authoring_dirs(), slug)
    if language not in languages[1:] or not ActionForm().validate_on_submit():
        abort(400)
    try:
        with authoring_dirs().editing(slug) as root:
            rel = translations.start_translation(root, request.form.get("rel", ""), language)
    except DraftError as error:
        flash(translated(error), "error")
        return back_to_course(slug)
    flash(gettext("Translation started as a copy of the original: translate it now. Until "
                  "its text changes the checker reports it as not translated."), "success")
    return redirect(url_for(".edit", slug=slug, rel=rel))


@bp.post("/courses/<slug>/images")
def upload_image(slug: str) -> Response:
    """Store an image after checking its type, size and (for SVG) content."""
    draft_role(slug)
    form = ImageForm()
    form.folder.choices = [SelectChoice(request.form.get("folder", ""), "")]
    if not form.validate_on_submit():
        flash(gettext("Choose an image and describe it (alt text is required)."), "error")
        return back_to_course(slug)
    max_bytes = current_app.config["LMS_IMAGE_MAX_BYTES"]
    with form.image.data.stream as stream:  # a photo is spooled to a temporary file
        data = stream.read(max_bytes + 1)
    try:
        rel = services.upload_image(authoring_dirs(), slug, form.folder.data or "",
                                    form.image.data.filename or "", data, form.alt.data,
                                    max_bytes=max_bytes,
                                    max_width=current_app.config["LMS_IMAGE_MAX_WIDTH"])
    except (ImageRefused, DraftError) as error:
        flash(gettext("Image not saved: %(reason)s", reason=translated(error)), "error")
        return back_to_course(slug)
    flash(gettext("Image saved. Copy the markdown below into a lesson."), "success")
    return redirect(url_for(".course", slug=slug, uploaded=rel, alt=form.alt.data) + "#images")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Response | RequestEntityTooLarge:
    """An image larger than the whole request may be goes back to the image form with the
    limit, not to the bare 413 page (nothing of the request could be read)."""
    slug = (request.view_args or {}).get("slug")
    if request.url_rule is None or request.url_rule.endpoint.rsplit(".", 1)[-1] != \
            "upload_image" or not slug:
        return error
    flash(gettext("Image not saved: %(reason)s",
                  reason=gettext("the image is larger than %(size)s MB",
                                 size=megabytes(current_app.config["LMS_IMAGE_MAX_BYTES"]))),
          "error")
    return redirect(url_for(".course", slug=slug) + "#images")
