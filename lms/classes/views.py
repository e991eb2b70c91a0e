"""Teacher pages under ``/teach/classes/`` and the student's ``/join`` page.

Every teacher page needs the teacher role (students get 403) and a class the teacher runs
(another teacher's class answers 404, as if it did not exist). Admins see every class.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale, gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.auth.models import Role
from lms.classes import cards, csv_export, queries, services
from lms.classes.codes import format_code
from lms.classes.dashboard import (
    completion_chart,
    lesson_rows,
    module_matrix,
    reflections,
    short_label,
)
from lms.classes.forms import AccountsForm, AssignForm, ClassForm, JoinForm
from lms.classes.models import SchoolClass
from lms.classes.services import ClassError, NameProblem
from lms.db import utcnow
from lms.web import ActionForm

bp = Blueprint("classes", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def _language() -> str:
    return str(get_locale() or "en")


def _timezone() -> str:
    return str(current_app.config.get("LMS_TIMEZONE", "Europe/Rome"))


@bp.app_template_filter("lms_day")
def local_day(value: datetime | None) -> str:
    """A date in the school's time zone, in the page's language."""
    if value is None:
        return ""
    return format_date(value.astimezone(ZoneInfo(_timezone())).date(), "medium")


def teacher_required(view: F) -> F:
    """Log in first; then only teachers (and admins) may go on."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.has_role(Role.TEACHER):
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _own_class(class_id: int) -> SchoolClass:
    school_class = services.visible_class(class_id, viewer_id=current_user.id,
                                          is_admin=current_user.role == Role.ADMIN)
    if school_class is None:
        abort(404)
    return school_class


def _require_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _join_link(school_class: SchoolClass) -> str:
    return url_for("lms.classes.join_with_code", code=school_class.join_code, _external=True)


# -- classes ---------------------------------------------------------------------------------


@bp.get("/teach/classes/")
@teacher_required
def index() -> str:
    """The teacher's classes."""
    return render_template("lms/classes/index.html",
                           classes=services.teacher_classes(current_user.id))


def _course_choices(empty_label: str) -> list[tuple[str, str]]:
    courses = queries.load_courses(queries.available_course_ids(), _language())
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


@bp.get("/teach/classes/<int:class_id>/students/")
@teacher_required
def members(class_id: int) -> str:
    """Students, join code and link, and class settings."""
    school_class = _own_class(class_id)
    return render_template("lms/classes/members.html", school_class=school_class,
                           students=queries.class_students(class_id),
                           join_link=_join_link(school_class), code=format_code(
                               school_class.join_code))


@bp.post("/teach/classes/<int:class_id>/code")
@teacher_required
def regenerate_code(class_id: int) -> Response:
    _own_class(class_id)
    _require_action()
    code = services.regenerate_code(class_id)
    flash(gettext("New class code: %(code)s. The old code no longer works.",
                  code=format_code(code)), "success")
    return redirect(url_for("lms.classes.members", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/archive")
@teacher_required
def archive(class_id: int) -> Response:
    school_class = _own_class(class_id)
    _require_action()
    archived = not school_class.archived
    services.set_archived(class_id, archived, now=utcnow())
    flash(gettext("Class archived: nobody can join it any more; its records are kept.")
          if archived else gettext("Class reopened."), "success")
    return redirect(url_for("lms.classes.members", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/students/<int:user_id>/remove")
@teacher_required
def remove_member(class_id: int, user_id: int) -> Response:
    _own_class(class_id)
    _require_action()
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
        site_url=url_for("lms.auth.login", _external=True),
        site_name=current_app.config["LMS_SITE_NAME"])
    return "data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii")


@bp.route("/teach/classes/<int:class_id>/accounts", methods=["GET", "POST"])
@teacher_required
def accounts(class_id: int) -> str | Response:
    """Create email-less accounts from a list of names; show the passwords once."""
    school_class = _own_class(class_id)
    form = AccountsForm()
    if school_class.archived:
        flash(gettext("This class is archived. Reopen it to add students."), "error")
        return redirect(url_for("lms.classes.members", class_id=class_id))
    if form.validate_on_submit():
        names, problems = services.parse_name_list(form.names.data)
        if not problems:
            try:
                created = services.create_student_accounts(class_id, current_user.id, names,
                                                           now=utcnow())
            except ClassError:
                problems = [NameProblem("try_again")]
            else:
                return _no_store(render_template(
                    "lms/classes/accounts_created.html", school_class=school_class,
                    accounts=created, cards_uri=_cards_data_uri(school_class, created),
                    login_url=url_for("lms.auth.login", _external=True)))
        form.names.errors = [
            _name_error(p) if p.reason != "try_again"
            else gettext("Someone else just took one of these usernames. Please send again.")
            for p in problems]
    return render_template("lms/classes/accounts.html", school_class=school_class, form=form)


@bp.post("/teach/classes/<int:class_id>/students/<int:user_id>/password")
@teacher_required
def reset_password(class_id: int, user_id: int) -> Response:
    """A new generated password for a class account, shown once with its login card."""
    school_class = _own_class(class_id)
    _require_action()
    try:
        account = services.reset_student_password(class_id, user_id)
    except ClassError:
        flash(gettext("Only accounts created for this class can have their password reset "
                      "here. Students with their own account can reset it by email."), "error")
        return redirect(url_for("lms.classes.members", class_id=class_id))
    return _no_store(render_template(
        "lms/classes/accounts_created.html", school_class=school_class, accounts=[account],
        cards_uri=_cards_data_uri(school_class, [account]), reset=True,
        login_url=url_for("lms.auth.login", _external=True)))


# -- assignments -----------------------------------------------------------------------------


def _target_choices() -> dict[str, list[tuple[str, str]]]:
    """Optgroups: per course, the whole course then each module."""
    courses = queries.load_courses(queries.available_course_ids(), _language())
    return {
        course.title: [(f"c{course.course.id}", gettext("Whole course: %(title)s",
                                                         title=course.title))]
        + [(f"m{course.course.id}-{m.module.id}", m.title) for m in course.modules]
        for course in courses.values()
    }


def _parse_target(value: str) -> tuple[int, int | None] | None:
    try:
        if value.startswith("c"):
            return int(value[1:]), None
        if value.startswith("m"):
            course, module = value[1:].split("-", 1)
            return int(course), int(module)
    except ValueError:
        return None
    return None


@bp.route("/teach/classes/<int:class_id>/assign", methods=["GET", "POST"])
@teacher_required
def assign(class_id: int) -> str | Response:
    """Assign a course or a module, with an optional due date; list what is assigned."""
    school_class = _own_class(class_id)
    form = AssignForm()
    form.target.choices = _target_choices()
    if not form.is_submitted() and school_class.course_id:
        form.target.data = f"c{school_class.course_id}"
    if form.validate_on_submit():
        target = _parse_target(form.target.data)
        day: date | None = form.due_date.data
        today = services.local_today(utcnow(), _timezone())
        if day is not None and day < today:
            form.due_date.errors = [gettext("The due date is in the past. Choose today or a "
                                            "later day.")]
        elif target is None:
            form.target.errors = [gettext("Please choose a course or a module.")]
        else:
            due_at = services.due_at_end_of(day, _timezone()) if day else None
            try:
                _, created = services.assign(class_id, target[0], target[1], due_at,
                                             now=utcnow())
            except ClassError as error:
                messages = {
                    "past_due": gettext("The due date is in the past."),
                    "unknown_course": gettext("This course does not exist or was withdrawn."),
                    "unknown_module": gettext("This module does not exist or was withdrawn."),
                }
                field = form.due_date if error.field == "due_date" else form.target
                field.errors = [messages[error.reason]]
            else:
                flash(gettext("Assigned.") if created else
                      gettext("It was already assigned: its due date is updated."), "success")
                return redirect(url_for("lms.classes.assign", class_id=class_id))
    assignments = queries.class_assignments(class_id)
    courses = queries.load_courses({a.course_id for a in assignments}, _language())
    return render_template("lms/classes/assign.html", school_class=school_class, form=form,
                           assignments=assignments, courses=courses, now=utcnow())


@bp.post("/teach/classes/<int:class_id>/assignments/<int:assignment_id>/delete")
@teacher_required
def unassign(class_id: int, assignment_id: int) -> Response:
    _own_class(class_id)
    _require_action()
    if not services.remove_assignment(class_id, assignment_id):
        abort(404)
    flash(gettext("The assignment was removed. Students' progress is kept."), "success")
    return redirect(url_for("lms.classes.assign", class_id=class_id))


# -- dashboard -------------------------------------------------------------------------------


def _class_data(school_class: SchoolClass) -> tuple[list[Any], dict[int, Any], list[Any]]:
    assignments = queries.class_assignments(school_class.id)
    courses = queries.load_courses(queries.class_course_ids(school_class, assignments),
                                   _language())
    return assignments, courses, queries.class_students(school_class.id)


def _chosen_course(courses: dict[int, Any], school_class: SchoolClass) -> Any:
    wanted = request.args.get("course", type=int) or school_class.course_id
    if wanted in courses:
        return courses[wanted]
    return next(iter(courses.values()), None)


@bp.get("/teach/classes/<int:class_id>/")
@teacher_required
def dashboard(class_id: int) -> str:
    """Students × modules: completion, best quiz score, due dates; with a chart."""
    school_class = _own_class(class_id)
    assignments, courses, students = _class_data(school_class)
    course = _chosen_course(courses, school_class)
    matrix = chart = None
    if course is not None:
        progress = queries.load_progress(queries.member_ids(class_id), [course.course.id])
        matrix = module_matrix(course, students, progress, assignments, now=utcnow())
        chart = completion_chart(matrix)
    return render_template("lms/classes/dashboard.html", school_class=school_class,
                           courses=courses, course=course, matrix=matrix, chart=chart,
                           short_label=short_label,
                           students=students, code=format_code(school_class.join_code))


@bp.get("/teach/classes/<int:class_id>/modules/<int:module_id>/")
@teacher_required
def module_detail(class_id: int, module_id: int) -> str:
    """Students × lessons of one module."""
    school_class = _own_class(class_id)
    assignments, courses, students = _class_data(school_class)
    found = [(c, c.module(module_id)) for c in courses.values() if c.module(module_id)]
    if not found:
        abort(404)
    course, module = found[0]
    progress = queries.load_progress(queries.member_ids(class_id), [course.course.id])
    return render_template("lms/classes/module.html", school_class=school_class, course=course,
                           module=module, rows=lesson_rows(module, students, progress))


@bp.get("/teach/classes/<int:class_id>/students/<int:user_id>/")
@teacher_required
def student_detail(class_id: int, user_id: int) -> str:
    """One student: completed lessons with dates, quiz attempts, reflection answers."""
    school_class = _own_class(class_id)
    assignments, courses, students = _class_data(school_class)
    student = next((s for s in students if s.id == user_id), None)
    if student is None:
        abort(404)  # not in this class: teachers see only their own students
    progress = queries.load_progress([user_id], courses)
    attempts = queries.student_attempts(user_id, courses)
    titles = {entry.item.id: (course, module, entry)
              for course in courses.values() for module in course.modules
              for entry in module.items}
    matrices = [module_matrix(c, [student], progress, assignments, now=utcnow())
                for c in courses.values()]
    return render_template(
        "lms/classes/student.html", school_class=school_class, student=student,
        courses=courses, matrices=matrices, progress=progress, attempts=attempts,
        titles=titles, reflections=reflections)


@bp.get("/teach/classes/<int:class_id>/export.csv")
@teacher_required
def export_csv(class_id: int) -> Response:
    """The class's progress as CSV for Excel and LibreOffice (see lms.classes.csv_export)."""
    school_class = _own_class(class_id)
    assignments, courses, students = _class_data(school_class)
    progress = queries.load_progress(queries.member_ids(class_id), courses)
    matrices = [module_matrix(c, students, progress, assignments, now=utcnow())
                for c in courses.values()]
    body = csv_export.progress_csv(matrices, timezone=_timezone())
    filename = csv_export.filename(school_class.name, utcnow())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"",
        "Cache-Control": "no-store",
    })


# -- joining (students) ----------------------------------------------------------------------

JOIN_MESSAGES = {
    "unknown_code": lambda d: gettext("No class has this code. Check it with your teacher."),
    "archived": lambda d: gettext("The class %(name)s is closed: it cannot be joined any more.",
                                  name=d.get("name")),
    "own_class": lambda d: gettext("You teach %(name)s, so you cannot join it as a student.",
                                   name=d.get("name")),
    "already_member": lambda d: gettext("You are already in the class %(name)s.",
                                        name=d.get("name")),
}


def _join(form: JoinForm) -> Response | None:
    try:
        school_class = services.join_class(current_user.id, form.code.data, now=utcnow())
    except ClassError as error:
        if error.reason == "already_member":
            flash(JOIN_MESSAGES["already_member"](error.detail), "info")
            return redirect(url_for("lms.courses.catalogue"))
        form.code.errors = [JOIN_MESSAGES[error.reason](error.detail)]
        return None
    flash(gettext("Welcome to %(name)s! Your assignments are listed below.",
                  name=school_class.name), "success")
    return redirect(url_for("lms.courses.catalogue"))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join() -> str | Response:
    """Join a class by typing its code."""
    form = JoinForm()
    if form.validate_on_submit():
        done = _join(form)
        if done is not None:
            return done
    return render_template("lms/classes/join.html", form=form, school_class=None)


@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
def join_with_code(code: str) -> str | Response:
    """The join link: shows the class name and asks to confirm (a link alone never joins)."""
    form = JoinForm(data={"code": code} if request.method == "GET" else None)
    school_class = services.class_by_code(code)
    if form.validate_on_submit():
        done = _join(form)
        if done is not None:
            return done
    elif school_class is None:
        form.code.errors = [JOIN_MESSAGES["unknown_code"]({})]
    elif school_class.archived:
        form.code.errors = [JOIN_MESSAGES["archived"]({"name": school_class.name})]
    teacher = (services.teacher_name(school_class)
               if school_class is not None and not school_class.archived else None)
    return render_template("lms/classes/join.html", form=form, school_class=school_class,
                           teacher=teacher)

