"""Teacher page that assigns a course or a module to a class, with an optional due date."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from lms.classes import queries, services
from lms.classes.blueprint import (
    bp,
    own_class,
    require_action,
    school_timezone,
    teacher_required,
)
from lms.classes.forms import AssignForm
from lms.classes.services import ClassError
from lms.db import utcnow
from lms.i18n import page_language


def _target_choices() -> dict[str, list[tuple[str, str]]]:
    """Optgroups: per course, the whole course then each module."""
    courses = queries.load_courses(queries.available_course_ids(), page_language())
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
    school_class = own_class(class_id)
    form = AssignForm()
    form.target.choices = _target_choices()
    if not form.is_submitted() and school_class.course_id:
        form.target.data = f"c{school_class.course_id}"
    if form.validate_on_submit():
        target = _parse_target(form.target.data)
        day: date | None = form.due_date.data
        today = services.local_today(utcnow(), school_timezone())
        if day is not None and day < today:
            form.due_date.errors = [gettext("The due date is in the past. Choose today or a "
                                            "later day.")]
        elif target is None:
            form.target.errors = [gettext("Please choose a course or a module.")]
        else:
            due_at = services.due_at_end_of(day, school_timezone()) if day else None
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
    courses = queries.load_courses({a.course_id for a in assignments}, page_language())
    return render_template("lms/classes/assign.html", school_class=school_class, form=form,
                           assignments=assignments, courses=courses, now=utcnow())


@bp.post("/teach/classes/<int:class_id>/assignments/<int:assignment_id>/delete")
@teacher_required
def unassign(class_id: int, assignment_id: int) -> Response:
    own_class(class_id)
    require_action()
    if not services.remove_assignment(class_id, assignment_id):
        abort(404)
    flash(gettext("The assignment was removed. Students' progress is kept."), "success")
    return redirect(url_for("lms.classes.assign", class_id=class_id))
