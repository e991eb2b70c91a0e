"""Teacher pages that run a class: the list, a new class, its students, code and accounts."""

from __future__ import annotations

import base64

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import hooks
from lms.classes import cards, queries, services
from lms.classes.blueprint import bp, own_class, require_action, teacher_required
from lms.classes.codes import format_code, qr_data_uri
from lms.classes.forms import AccountsForm, ClassForm
from lms.classes.models import SchoolClass
from lms.classes.services import ClassError, NameProblem
from lms.db import utcnow
from lms.forms import ActionForm
from lms.i18n import page_language
from lms.urls import external_url

# -- classes ---------------------------------------------------------------------------------


@bp.get("/teach/classes/")
@teacher_required
def index() -> str:
    """The teacher's classes."""
    return render_template("lms/classes/index.html",
                           classes=services.teacher_classes(current_user.id))


def _course_choices(empty_label: str) -> list[tuple[str, str]]:
    courses = queries.load_courses(queries.available_course_ids(), page_language())
    return [("", empty_label)] + [(str(c.course.id), c.title) for c in courses.values()]


@bp.route("/teach/classes/new", methods=["GET", "POST"])
@teacher_required
def create() -> str | Response:
    """Create a class; its join code is made at once."""
    form = ClassForm()
    form.course.choices = _course_choices(gettext("None for now"))
    if form.validate_on_submit():
        try:
            school_class = services.create_class(
                current_user.id, form.name.data, int(form.course.data) if form.course.data
                else None, now=utcnow())
        except ClassError:
            form.course.errors = [gettext("This course is not available.")]
        else:
            flash(gettext("Class created. Its code is %(code)s.",
                          code=format_code(school_class.join_code)), "success")
            return redirect(url_for("lms.classes.members", class_id=school_class.id))
    return render_template("lms/classes/new.html", form=form)


def _join_link(school_class: SchoolClass) -> str:
    return external_url("lms.classes.join_with_code", code=school_class.join_code)


@bp.get("/teach/classes/<int:class_id>/students/")
@teacher_required
def members(class_id: int) -> str:
    """Students, join code and link, and class settings."""
    school_class = own_class(class_id)
    students = queries.class_students(class_id)
    return render_template("lms/classes/members.html", school_class=school_class,
                           students=students, join_link=_join_link(school_class),
                           join_qr=qr_data_uri(_join_link(school_class)),
                           code=format_code(school_class.join_code),
                           **hooks.extras(hooks.class_members_extras, class_id,
                                          current_user.id, students))


@bp.post("/teach/classes/<int:class_id>/code")
@teacher_required
def regenerate_code(class_id: int) -> Response:
    own_class(class_id)
    require_action()
    code = services.regenerate_code(class_id)
    flash(gettext("New class code: %(code)s. The old code no longer works.",
                  code=format_code(code)), "success")
    return redirect(url_for("lms.classes.members", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/archive")
@teacher_required
def archive(class_id: int) -> Response:
    school_class = own_class(class_id)
    require_action()
    archived = not school_class.archived
    services.set_archived(class_id, archived, now=utcnow())
    flash(gettext("Class archived: nobody can join it any more; its records are kept.")
          if archived else gettext("Class reopened."), "success")
    return redirect(url_for("lms.classes.members", class_id=class_id))


@bp.route("/teach/classes/<int:class_id>/students/<int:user_id>/remove",
          methods=["GET", "POST"])
@teacher_required
def remove_member(class_id: int, user_id: int) -> str | Response:
    """Asks first (GET), removes on the confirmation (POST): a stray click removes nobody."""
    school_class = own_class(class_id)
    student = next((s for s in queries.class_students(class_id) if s.id == user_id), None)
    if student is None:
        abort(404)
    form = ActionForm()
    if not form.is_submitted():
        return render_template("lms/classes/remove_member.html", school_class=school_class,
                               student=student, form=form)
    if not form.validate():  # an expired or missing CSRF token
        abort(400)
    if not services.remove_member(class_id, user_id):
        abort(404)
    flash(gettext("The student was removed from the class. Their account and progress stay."),
          "success")
    return redirect(url_for("lms.classes.members", class_id=class_id))


# -- accounts --------------------------------------------------------------------------------


def _name_error(problem: NameProblem) -> str:
    if problem.reason == "duplicate":
        return gettext('Line %(line)d repeats "%(name)s". Add an initial to tell them apart.',
                       line=problem.line, name=problem.name)
    if problem.reason == "too_long":
        return gettext("Line %(line)d is longer than 120 characters.", line=problem.line)
    if problem.reason == "no_letters":
        return gettext("Line %(line)d has no letters.", line=problem.line)
    if problem.reason == "teacher_name":
        return gettext("Line %(line)d is the teacher's own name: a student needs another one.",
                       line=problem.line)
    if problem.reason == "too_many":
        return gettext("At most %(max)d names at once (you entered %(count)d).",
                       max=services.MAX_BATCH, count=problem.line)
    return gettext("Please enter at least one name.")


def _no_store(html: str) -> Response:
    """Pages with plain passwords must not stay in the browser's or a proxy's cache."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


def _cards_data_uri(school_class: SchoolClass, accounts: list[services.NewAccount]) -> str:
    """The login cards as a ``data:`` link: the PDF is made from the in-memory passwords in
    this same response, so no plain password is ever stored or served again."""
    pdf = cards.render_login_cards(
        accounts, class_name=school_class.name,
        site_url=external_url("lms.auth.login"),
        site_name=current_app.config["LMS_SITE_NAME"])
    return "data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii")


def _show_new_passwords(school_class: SchoolClass, accounts: list[services.NewAccount]
                        ) -> Response:
    """The one page that shows these plain passwords, with their login cards (never cached)."""
    return _no_store(render_template(
        "lms/classes/accounts_created.html", school_class=school_class, accounts=accounts,
        cards_uri=_cards_data_uri(school_class, accounts),
        login_url=external_url("lms.auth.login")))


@bp.route("/teach/classes/<int:class_id>/accounts", methods=["GET", "POST"])
@teacher_required
def accounts(class_id: int) -> str | Response:
    """Create email-less accounts from a list of names; show the passwords once."""
    school_class = own_class(class_id)
    form = AccountsForm()
    if school_class.archived:
        flash(gettext("This class is archived. Reopen it to add students."), "error")
        return redirect(url_for("lms.classes.members", class_id=class_id))
    if form.validate_on_submit():
        names, problems = services.parse_name_list(form.names.data,
                                                   services.teacher_name(school_class))
        if not problems:
            try:
                created = services.create_student_accounts(class_id, current_user.id, names,
                                                           now=utcnow())
            except ClassError:
                problems = [NameProblem("try_again")]
            else:
                return _show_new_passwords(school_class, created)
        form.names.errors = [
            _name_error(p) if p.reason != "try_again"
            else gettext("Someone else just took one of these usernames. Please send again.")
            for p in problems]
    return render_template("lms/classes/accounts.html", school_class=school_class, form=form)
