"""The instructor's deep-linking picker and the signed answer to the platform."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, make_response, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.db import utcnow
from lms.i18n import page_language
from lms.lti import contexts, deep_linking, links
from lms.lti.forms import PickerForm
from lms.security import content_security_policy


def _choices(courses: list) -> list[tuple[str, str]]:
    return [(str(c.course.id), c.title) for c in courses] + [
        (f"{c.course.id}/{m.module.slug}", m.title) for c in courses for m in c.modules]


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("lms/lti/notice.html", title=title, message=message), status


def _gone() -> tuple[str, int]:
    return _page(410, gettext("This choice was already sent"), gettext(
        "The content was already added to your course, or the page waited too long. To add "
        "another activity, start again from your course on the platform."))


def register(bp: Blueprint) -> None:
    @bp.route("/lti/deep-link/<token>", methods=["GET", "POST"])
    def deep_link(token: str) -> str | Response | tuple[str, int]:
        request_row = deep_linking.pending(token, now=utcnow())
        if request_row is None:
            return _gone()
        if not current_user.is_authenticated or current_user.id != request_row.user_id:
            return _page(403, gettext("Open this page from your course"), gettext(
                "Only the instructor who opened the platform's content selection can "
                "choose here. Start again from your course on the platform."))
        courses = links.catalogue(page_language())
        form = PickerForm()
        form.target.choices = _choices(courses)
        if form.validate_on_submit():
            course_id, _, module_slug = form.target.data.partition("/")
            try:
                course, module = links.find(course_id, module_slug or None, page_language())
            except links.UnknownTarget:  # made unavailable since the page was drawn
                form.target.errors = [gettext("Choose a course or a module.")]
                return render_template("lms/lti/picker.html", form=form, courses=courses), 400
            choice = deep_linking.Choice(
                course_id=course.course.id, module_slug=module.module.slug if module else None,
                title=module.title if module else course.title, grades=bool(form.grades.data))
            try:
                answer = deep_linking.answer(
                    token, choice, launch_url=url_for("lms.lti.launch", _external=True),
                    now=utcnow())
            except deep_linking.AlreadyAnswered:
                return _gone()
            if request_row.class_id is not None:
                # The class dashboard follows what its platform course links to.
                contexts.assign_linked(request_row.class_id, course.course.id,
                                       module.module.id if module else None, now=utcnow())
            response = make_response(render_template(
                "lms/lti/deep_link_return.html", answer=answer, choice=choice))
            # The form goes to the platform: the only page whose form leaves this site.
            parts = urlsplit(answer.return_url)
            response.headers["Content-Security-Policy"] = content_security_policy(
                form_action=f"{parts.scheme}://{parts.netloc}")
            response.headers["Cache-Control"] = "no-store"
            return response
        status = 400 if form.errors else 200
        return render_template("lms/lti/picker.html", form=form, courses=courses), status
