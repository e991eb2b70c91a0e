"""The class's progress, loaded once for the downloads (CSV and spreadsheet).

A fixed number of queries whatever the size of the class or its courses (see
:mod:`lms.classes.queries`); the files are then written by pure functions in
:mod:`lms.classes.csv_export` and :mod:`lms.classes.spreadsheet`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lms.classes import queries
from lms.classes.dashboard import ModuleMatrix, module_matrix
from lms.classes.models import SchoolClass


@dataclass(frozen=True)
class ClassProgress:
    """Students × modules per course, and when each student was last active in each course."""

    matrices: list[ModuleMatrix]
    #: (user id, course id) -> last page opened or item completed there
    last_active: dict[tuple[int, int], datetime] = field(default_factory=dict)

    def last_active_in(self, user_id: int, course_id: int) -> datetime | None:
        return self.last_active.get((user_id, course_id))


def class_progress(school_class: SchoolClass, *, language: str, now: datetime) -> ClassProgress:
    """Every course of the class with its titles in ``language`` (11 queries)."""
    assignments = queries.class_assignments(school_class.id)
    courses = queries.load_courses(queries.class_course_ids(school_class, assignments), language)
    students = queries.class_students(school_class.id)
    members = queries.member_ids(school_class.id)
    progress = queries.load_progress(members, courses)
    matrices = [module_matrix(course, students, progress, assignments, now=now)
                for course in courses.values()]
    return ClassProgress(matrices, queries.last_active(members, courses))
