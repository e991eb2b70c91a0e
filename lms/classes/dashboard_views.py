"""Teacher pages that follow a class: the dashboard, one module, one student, the CSV export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from lms import hooks
from lms.classes import csv_export, queries
from lms.classes.blueprint import (
    bp,
    own_class,
    school_timezone,
    teacher_required,
)
from lms.classes.codes import format_code
from lms.classes.dashboard import (
    completion_chart,
    lesson_rows,
    module_matrix,
    reflections,
    short_label,
)
from lms.classes.models import SchoolClass
from lms.classes.overdue import standings
from lms.db import utcnow
from lms.i18n import page_language


def _class_data(school_class: SchoolClass) -> tuple[list[Any], dict[int, Any], list[Any]]:
    assignments = queries.class_assignments(school_class.id)
    courses = queries.load_courses(queries.class_course_ids(school_class, assignments),
                                   page_language())
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
    school_class = own_class(class_id)
    assignments, courses, students = _class_data(school_class)
    course = _chosen_course(courses, school_class)
    matrix = chart = None
    now = utcnow()
    # Every course of the class (still 2 queries): the overdue list covers all assignments.
    progress = queries.load_progress(queries.member_ids(class_id), courses)
    if course is not None:
        matrix = module_matrix(course, students, progress, assignments, now=now)
        chart = completion_chart(matrix)
    late = [s for s in standings(assignments, courses, students, progress, now=now,
                                 horizon=timedelta(0)) if s.overdue]
    return render_template("lms/classes/dashboard.html", school_class=school_class,
                           courses=courses, course=course, matrix=matrix, chart=chart,
                           late=late,
                           short_label=short_label,
                           students=students, code=format_code(school_class.join_code))


@bp.get("/teach/classes/<int:class_id>/modules/<int:module_id>/")
@teacher_required
def module_detail(class_id: int, module_id: int) -> str:
    """Students × lessons of one module."""
    school_class = own_class(class_id)
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
    school_class = own_class(class_id)
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
        titles=titles, reflections=reflections, now=utcnow(),
        **hooks.extras(hooks.class_student_extras, user_id))


@bp.get("/teach/classes/<int:class_id>/export.csv")
@teacher_required
def export_csv(class_id: int) -> Response:
    """The class's progress as CSV for Excel and LibreOffice (see lms.classes.csv_export)."""
    school_class = own_class(class_id)
    assignments, courses, students = _class_data(school_class)
    progress = queries.load_progress(queries.member_ids(class_id), courses)
    matrices = [module_matrix(c, students, progress, assignments, now=utcnow())
                for c in courses.values()]
    body = csv_export.progress_csv(matrices, timezone=school_timezone())
    filename = csv_export.filename(school_class.name, utcnow())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"",
        "Cache-Control": "no-store",
    })
