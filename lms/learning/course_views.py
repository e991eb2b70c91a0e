"""Learner pages: catalogue, course, lesson, teacher guide and course media."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import hooks
from lms.courses.models import Course
from lms.courses.services import get_course, item_body
from lms.db import utcnow
from lms.forms import ActionForm
from lms.i18n import page_language
from lms.learning import page_cache
from lms.media_policy import media_policy
from lms.progress import catalogue as learner_courses
from lms.progress import services as progress
from lms.progress.learner_state import learner_state
from lms.progress.outline import OutlineItem, course_outline
from lms.progress.skeleton import ItemOutline, outline_skeleton
from lms.quizzes import services as quizzes
from lms.quizzes.forms import QuizInput, quiz_panel

bp = Blueprint("courses", __name__, url_prefix="/courses")

MEDIA_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"})
TOPICS = ("interculturalism", "fair-trade", "ethical-finance", "other")


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def course_or_404(slug: str) -> Course:
    course = get_course(slug)
    if course is None:
        abort(404)
    if not course.available:
        # Gone from disk: say so plainly instead of a bare 404 (learners may have bookmarks).
        abort(410)
    return course


def topic_label(topic: str) -> str:
    labels = {
        "interculturalism": gettext("Interculturalism"),
        "fair-trade": gettext("Fair trade"),
        "ethical-finance": gettext("Ethical finance"),
        "other": gettext("Other topics"),
    }
    return labels.get(topic, topic)


@bp.app_context_processor
def course_helpers() -> dict[str, object]:
    return {"topic_label": topic_label}


@bp.get("/")
def catalogue() -> str:
    """All courses, filterable by topic and language, with "continue where you left off"."""
    topic = request.args.get("topic") or None
    course_language = request.args.get("language") or None
    if topic not in (None, *TOPICS):
        topic = None
    entries = learner_courses.catalogue(
        language=page_language(), topic=topic, course_language=course_language, user_id=_user_id()
    )
    resume = (
        learner_courses.continue_learning(current_user.id, language=page_language())
        if current_user.is_authenticated
        else []
    )
    # [classes] the learner's assignments, shown above the catalogue
    from lms.classes.student import my_assignments

    assignments = (my_assignments(current_user.id, language=page_language(), now=utcnow())
                   if current_user.is_authenticated else None)
    # [reflections] teachers' comments the learner has not read yet
    from lms.reflections.services import new_comments

    comments = (new_comments(current_user.id, language=page_language())
                if current_user.is_authenticated else [])
    return render_template(
        "lms/courses/catalogue.html",
        entries=entries,
        resume=resume,
        assignments=assignments,
        new_comments=comments,
        topics=TOPICS,
        topic=topic,
        course_language=course_language,
    )


@bp.get("/<course_slug>/")
def course(course_slug: str) -> str:
    """A course's modules and lessons with the learner's progress."""
    course = course_or_404(course_slug)
    user_id = _user_id()
    scores = quizzes.best_scores(user_id, course.id) if user_id is not None else None
    outline = course_outline(course, language=page_language(), user_id=user_id,
                                      quiz_scores=scores)
    return render_template("lms/courses/course.html", outline=outline)


@bp.route("/<course_slug>/move-to-latest", methods=["GET", "POST"])
@login_required
def move_to_latest(course_slug: str) -> Response:
    """A learner in progress on an earlier version of the course moves to the current one.
    A GET (the way back after logging in) shows the course page, where the button is."""
    if request.method == "GET":
        return redirect(url_for("lms.courses.course", course_slug=course_slug))
    if not ActionForm().validate_on_submit():
        abort(400)
    course = course_or_404(course_slug)
    finished = progress.move_to_current_release(current_user.id, course.id, now=utcnow())
    flash(gettext("You are now following the latest version of the course. "
                  "Everything you completed stays complete."), "success")
    if finished:
        flash(gettext("Congratulations: you have completed the course!"), "success")
    return redirect(url_for("lms.courses.course", course_slug=course.slug))


@bp.get("/<course_slug>/teacher-guide/")
def teacher_guide(course_slug: str) -> str:
    course = course_or_404(course_slug)
    language = page_language()
    outline = course_outline(course, language=language, user_id=None)
    if not outline.text.teacher_guide_html and outline.language != course.default_language:
        # Not translated (the course text may be): the default language, as lessons do.
        outline = course_outline(course, language=course.default_language, user_id=None)
    if not outline.text.teacher_guide_html:
        abort(404)
    return render_template("lms/courses/teacher_guide.html", outline=outline,
                           is_fallback=outline.language != language)


@bp.get("/<course_slug>/media/<path:filename>")
def media(course_slug: str, filename: str) -> Response:
    """Images that sit next to the lessons in the course package."""
    course = course_or_404(course_slug)
    if PurePosixPath(filename).suffix.lower() not in MEDIA_SUFFIXES:
        abort(404)
    folder = hooks.course_folder_here(course.slug, course.source_dir)
    response = send_from_directory(folder, filename, max_age=86400)
    response.headers["Content-Security-Policy"] = media_policy(folder, filename)
    return response


@bp.get("/<course_slug>/<module_slug>/<item_slug>/")
def item(course_slug: str, module_slug: str, item_slug: str) -> str:
    """One lesson (or quiz) page, with previous/next links and the quiz form if it has one."""
    page, _ = render_item(course_slug, module_slug, item_slug)
    return page


def render_item(
    course_slug: str, module_slug: str, item_slug: str, *, quiz_input: QuizInput | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The item page; ``quiz_input`` re-shows a posted quiz form with its errors.

    One query reads the course, the learner's enrolment and their completions in this
    module; the outline's skeleton and the item's text are kept per worker.
    """
    user_id = _user_id()
    state = learner_state(course_slug, module_slug, user_id)
    if state is None:
        abort(404)
    if not state.course.available:
        abort(410)  # as course_or_404
    language = page_language()
    skeleton = outline_skeleton(state.course, state.release, language)
    index = skeleton.index.get((module_slug, item_slug))
    if index is None:
        abort(404)
    flat = skeleton.flat
    entry = flat[index]
    if entry.item.id in state.completed:
        entry = replace(entry, complete=True)
    text = item_body(entry.item, language, state.course, entry.content_hash)
    now = utcnow()
    panel = None
    if entry.quiz_settings is not None:  # a quiz in the release the learner follows
        quiz_input = quiz_input or QuizInput()
        panel = quiz_panel(entry.item, text, entry.quiz_settings, user_id=user_id,
                           language=language, now=now, formdata=quiz_input.formdata,
                           errors=quiz_input.errors, form_error=quiz_input.form_error)

    def render() -> str:
        return render_template(
            "lms/courses/item.html",
            outline=ItemOutline(state.course, skeleton.text),
            module=skeleton.by_module[module_slug],
            entry=entry,
            text=text,
            quiz=panel,
            is_fallback=text.language != language,
            previous=flat[index - 1] if index > 0 else None,
            following=flat[index + 1] if index + 1 < len(flat) else None,
        )

    # A lesson without a quiz is the same page for everyone with the same key (see
    # lms.learning.page_cache); a quiz panel holds the learner's own attempt.
    # Release 0 (rows made by hand, never synced) may change without a new sync time.
    if panel is None and status == 200 and state.release and page_cache.cacheable():
        page = page_cache.cached_page(page_cache.page_key(state, entry, language), render)
    else:
        page = render()
    if user_id is not None:
        progress.record_visit(user_id, state.course.id, entry.item.id, now=now,
                              last_seen=(state.last_item_id, state.last_visited_at)
                              if state.enrolled else None)
    return page, status


def find_item(flat: Sequence[OutlineItem], module_slug: str, item_slug: str) -> int | None:
    for index, entry in enumerate(flat):
        if entry.module_slug == module_slug and entry.item.slug == item_slug:
            return index
    return None


@bp.route("/<course_slug>/<module_slug>/<item_slug>/complete", methods=["GET", "POST"])
@login_required
def complete(course_slug: str, module_slug: str, item_slug: str) -> Response:
    """Mark a lesson complete and go on to the next page. A GET (the way back after logging
    in) shows the lesson, where the button is."""
    if request.method == "GET":
        return redirect(url_for("lms.courses.item", course_slug=course_slug,
                                module_slug=module_slug, item_slug=item_slug))
    if not ActionForm().validate_on_submit():
        abort(400)
    course = course_or_404(course_slug)
    outline = course_outline(course, language=page_language(), user_id=current_user.id)
    flat = outline.flat_items()
    index = find_item(flat, module_slug, item_slug)
    if index is None:
        abort(404)
    entry = flat[index]
    if entry.quiz_settings is not None:
        abort(400)  # quizzes are completed by passing them, not by a button
    result = progress.mark_item_complete(current_user.id, entry.item.id, now=utcnow())
    if result.course_completed:
        flash(gettext("Congratulations: you have completed the course!"), "success")
    else:
        flash(gettext("Lesson marked as complete."), "success")
    if index + 1 < len(flat):
        following = flat[index + 1]
        return redirect(
            url_for(
                "lms.courses.item",
                course_slug=course.slug,
                module_slug=following.module_slug,
                item_slug=following.item.slug,
            )
        )
    return redirect(url_for("lms.courses.course", course_slug=course.slug))
