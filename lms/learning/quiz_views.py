"""Taking a quiz: post the answers, then see the result on its own page (POST/redirect/GET)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.db import utcnow
from lms.forms import ActionForm
from lms.i18n import page_language
from lms.learning.course_views import course_or_404, find_item, render_item
from lms.progress.outline import CourseOutline, course_outline
from lms.questions.settings import QuizSettings
from lms.quizzes import errors, services
from lms.quizzes.forms import CONTROL_FIELDS, QuizInput
from lms.quizzes.review import reveals_answers, review
from lms.reflections.services import comments_on_attempt
from lms.security import access_refused

bp = Blueprint("quizzes", __name__, url_prefix="/courses")

ITEM = "/<course_slug>/<module_slug>/<item_slug>"
UNKNOWN = errors.UNKNOWN_QUESTION


def _item_url(course_slug: str, module_slug: str, item_slug: str) -> str:
    return url_for("lms.courses.item", course_slug=course_slug, module_slug=module_slug,
                   item_slug=item_slug)


def _locate(course_slug: str, module_slug: str, item_slug: str, user_id: int) -> tuple[
        CourseOutline, int]:
    """The course outline (with quiz scores) and the item's index in it; 404 if not a quiz."""
    course = course_or_404(course_slug)
    outline = course_outline(course, language=page_language(), user_id=user_id,
                                     quiz_scores=services.best_scores(user_id, course.id))
    flat = outline.flat_items()
    index = find_item(flat, module_slug, item_slug)
    if index is None or flat[index].quiz_settings is None:  # no quiz in the learner's release
        abort(404)
    return outline, index


def _exhausted(error: errors.AttemptsExhausted, course_slug: str, module_slug: str,
               item_slug: str) -> tuple[str, int]:
    message = gettext("You have used all %(num)d attempts at this quiz.", num=error.allowed)
    return render_template(
        "lms/quizzes/message.html", message=message,
        back_url=_item_url(course_slug, module_slug, item_slug)), 403


@bp.route(ITEM + "/quiz", methods=["GET", "POST"])
def submit(course_slug: str, module_slug: str, item_slug: str) -> Response | tuple[str, int]:
    """Grade the posted answers; a GET (a bookmarked or reloaded URL) goes back to the form."""
    back = _item_url(course_slug, module_slug, item_slug)
    if request.method == "GET":
        return redirect(back + "#quiz")
    if (refused := access_refused()) is not None:
        return refused  # to the login page; back here (a GET: the quiz form) after it
    if not ActionForm().validate_on_submit():
        flash(gettext("The form expired. Please send your answers again."), "error")
        return redirect(back + "#quiz")
    outline, index = _locate(course_slug, module_slug, item_slug, current_user.id)
    item = outline.flat_items()[index].item
    raw = {key: request.form.getlist(key) for key in request.form if key not in CONTROL_FIELDS}
    now = utcnow()
    attempt_id = request.form.get("attempt", type=int)
    try:
        if attempt_id is None:
            # A form without its attempt (an old cached page): find the learner's open one.
            attempt_id = services.start_or_resume_attempt(
                current_user.id, item.id, language=page_language(), now=now).id
        result = services.submit_attempt(
            attempt_id, current_user.id, raw, submission_token=request.form.get("token", ""),
            now=now, item_id=item.id, language=page_language())
    except errors.AttemptNotFound:
        abort(404)
    except errors.AttemptsExhausted as error:
        return _exhausted(error, course_slug, module_slug, item_slug)
    except errors.QuizChanged:
        flash(gettext("This quiz was updated after you opened it, so your answers could not "
                      "be saved. Here is the new version: please answer it again."), "error")
        return redirect(back + "#quiz")
    except errors.EmptySubmission:
        return render_item(course_slug, module_slug, item_slug, status=400, quiz_input=QuizInput(
            formdata=request.form,
            form_error=gettext("You have not answered any question yet. Answer at least one "
                               "before sending.")))
    except errors.AnswerErrors as error:
        unknown = [key for key, message in error.errors.items() if message == UNKNOWN]
        return render_item(course_slug, module_slug, item_slug, status=400, quiz_input=QuizInput(
            formdata=request.form,
            errors={key: _answer_message(message) for key, message in error.errors.items()
                    if message != UNKNOWN},
            form_error=gettext("The form held answers to questions that are not in this quiz. "
                               "Nothing was saved; please send your answers again.")
            if unknown else ""))
    except errors.QuizUnavailable:
        abort(404)
    if result.completion is not None and result.completion.course_completed:
        flash(gettext("Congratulations: you have completed the course!"), "success")
    return redirect(url_for(".attempt", course_slug=course_slug, module_slug=module_slug,
                            item_slug=item_slug, number=result.number))


def _answer_message(message: str) -> str:
    """The question type's own message for a mistake (:class:`AnswerMistake`, translated, like
    "1,8,0"); values that no form could have produced get a plain one."""
    if message != errors.NOT_OFFERED:
        return message
    return gettext("This answer is not one of the choices offered. Please answer again.")


@bp.get(ITEM + "/attempts/<int:number>")
@login_required
def attempt(course_slug: str, module_slug: str, item_slug: str, number: int) -> Response | str:
    """The result of one of the learner's attempts: score, feedback, what next."""
    back = _item_url(course_slug, module_slug, item_slug)
    outline, index = _locate(course_slug, module_slug, item_slug, current_user.id)
    flat = outline.flat_items()
    entry = flat[index]
    found = services.get_attempt(current_user.id, entry.item.id, number)
    if found is None:
        abort(404)
    if found.submitted_at is None:
        return redirect(back + "#quiz")
    status = services.quiz_status(current_user.id, entry.item.id,
                                  settings=QuizSettings.from_dict(entry.quiz_settings or {}))
    # The pass mark and answer policy this attempt was shown (and graded) with.
    settings = services.shown_settings(found, status.settings, entry.content_hash)
    reveal = reveals_answers(settings, passed_ever=status.passed)
    # The verdict and pass mark shown are those of the learner's release, as on every page;
    # an attempt graded with another one says so.
    passed = bool(found.passed) or services.meets(found.score_percent, status.settings.pass_mark)
    module = next(m for m in outline.modules if m.module.slug == module_slug)
    # [reflections] the teacher's comments; opening the page marks them seen (the "new" label
    # shows this once, as was read from the database before the update).
    comments = comments_on_attempt(current_user.id, found.id, now=utcnow())
    return render_template(
        "lms/quizzes/result.html",
        outline=outline,
        module=module,
        entry=entry,
        title=entry.title,  # the outline has it, in the learner's release and language
        title_language=entry.language,
        attempt=found,
        status=status,
        settings=settings,
        pass_mark=status.settings.pass_mark,
        passed=passed,
        reveal=reveal,
        questions=review(found, current_app.extensions["lms"].question_types, reveal=reveal),
        back_url=back,
        following=flat[index + 1] if index + 1 < len(flat) else None,
        comments=comments,
    )
