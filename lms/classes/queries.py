"""Reading course structure and class progress in a fixed number of queries.

Every loader here issues the same number of SQL statements whatever the number of students,
courses, modules or lessons: rows are fetched with ``IN`` lists or sub-selects and grouped in
Python. ``tests/test_class_dashboard.py`` counts the statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import load_only

from lms.auth.models import User
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import Course, CourseText, Item, ItemText, Module, ModuleText
from lms.courses.services import choose_language
from lms.db import db
from lms.progress.models import Enrollment, ItemCompletion
from lms.quizzes.models import QuizAttempt


@dataclass
class ItemInfo:
    item: Item
    title: str

    @property
    def counts(self) -> bool:
        """Whether the item is needed to complete its module (see lms.progress.rules)."""
        return self.item.required


@dataclass
class ModuleInfo:
    module: Module
    title: str
    items: list[ItemInfo] = field(default_factory=list)


@dataclass
class CourseInfo:
    course: Course
    title: str
    modules: list[ModuleInfo] = field(default_factory=list)

    def module(self, module_id: int) -> ModuleInfo | None:
        return next((m for m in self.modules if m.module.id == module_id), None)


def load_courses(course_ids: Iterable[int], language: str) -> dict[int, CourseInfo]:
    """Available courses with their available modules and items and titles (6 queries)."""
    ids = sorted(set(course_ids))
    if not ids:
        return {}
    courses = db.session.scalars(
        select(Course).where(Course.id.in_(ids), Course.available).order_by(Course.slug)).all()
    ids = [course.id for course in courses]
    modules = db.session.scalars(select(Module).where(
        Module.course_id.in_(ids), Module.available).order_by(Module.position)).all()
    items = db.session.scalars(
        select(Item).options(load_only(Item.id, Item.module_id, Item.course_id, Item.slug,
                                       Item.kind, Item.position, Item.required))
        .join(Module).where(Item.course_id.in_(ids), Item.available, Module.available)
        .order_by(Item.position)).all()
    course_titles = _titles(CourseText, CourseText.course_id, ids)
    module_titles = _titles(ModuleText, ModuleText.module_id, [m.id for m in modules])
    # Earlier versions' texts are kept for learners pinned to them; titles here are current.
    current = ItemText.content_hash == select(Item.content_hash).where(
        Item.id == ItemText.item_id).scalar_subquery()
    item_titles = _titles(ItemText, ItemText.item_id, [i.id for i in items], current)

    def pick(titles: dict[str, str], course: Course, fallback: str) -> str:
        return titles.get(choose_language(titles, language, course.default_language), fallback)

    result = {course.id: CourseInfo(course, pick(course_titles[course.id], course, course.slug))
              for course in courses}
    by_module: dict[int, ModuleInfo] = {}
    for module in modules:
        info = result[module.course_id]
        module_info = ModuleInfo(module, pick(module_titles[module.id], info.course, module.slug))
        info.modules.append(module_info)
        by_module[module.id] = module_info
    for item in items:
        course = result[item.course_id].course
        by_module[item.module_id].items.append(
            ItemInfo(item, pick(item_titles[item.id], course, item.slug)))
    return result


def _titles(model: type, owner: object, ids: list[int],
            *conditions: Any) -> dict[int, dict[str, str]]:
    result: dict[int, dict[str, str]] = defaultdict(dict)
    if not ids:
        return result
    rows = db.session.execute(select(owner, model.language, model.title)  # type: ignore[attr-defined]
                              .where(owner.in_(ids), *conditions))  # type: ignore[attr-defined]
    for owner_id, language, title in rows:
        result[owner_id][language] = title
    return result


@dataclass
class Progress:
    """Who completed what and when, and best quiz scores, keyed by (user id, item id)."""

    completed: dict[tuple[int, int], datetime] = field(default_factory=dict)
    best_score: dict[tuple[int, int], float] = field(default_factory=dict)
    attempts: dict[tuple[int, int], int] = field(default_factory=dict)


def load_progress(users: Select[tuple[int]] | list[int], course_ids: Iterable[int]) -> Progress:
    """Completions and best submitted quiz scores of ``users`` (ids or a sub-select) in the
    courses (2 queries)."""
    ids = sorted(set(course_ids))
    progress = Progress()
    if not ids:
        return progress
    rows = db.session.execute(
        select(ItemCompletion.user_id, ItemCompletion.item_id, ItemCompletion.completed_at)
        .where(ItemCompletion.user_id.in_(users), ItemCompletion.course_id.in_(ids)))
    for user_id, item_id, completed_at in rows:
        progress.completed[(user_id, item_id)] = completed_at
    rows = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.item_id, func.max(QuizAttempt.score_percent),
               func.count(QuizAttempt.id))
        .where(QuizAttempt.user_id.in_(users), QuizAttempt.course_id.in_(ids),
               QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.user_id, QuizAttempt.item_id))
    for user_id, item_id, best, count in rows:
        if best is not None:
            progress.best_score[(user_id, item_id)] = float(best)
        progress.attempts[(user_id, item_id)] = count
    return progress


def last_active(users: Select[tuple[int]] | list[int], course_ids: Iterable[int]
                ) -> dict[tuple[int, int], datetime]:
    """When each of ``users`` last opened a page of, or completed something in, each course,
    keyed by (user id, course id) (1 query): the enrolment keeps that time."""
    ids = sorted(set(course_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.user_id, Enrollment.course_id, Enrollment.last_visited_at)
        .where(Enrollment.user_id.in_(users), Enrollment.course_id.in_(ids)))
    return {(user_id, course_id): when for user_id, course_id, when in rows}


def member_ids(class_id: int) -> Select[tuple[int]]:
    """The class's students as a sub-select, so no list of ids grows with the class."""
    return select(ClassMember.user_id).where(ClassMember.class_id == class_id)


def class_students(class_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).options(load_only(User.id, User.username, User.display_name, User.email,
                                       User.created_by_id, User.role, User.deleted_at))
        .join(ClassMember, ClassMember.user_id == User.id)
        .where(ClassMember.class_id == class_id).order_by(User.display_name, User.username)))


def class_assignments(class_id: int) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(Assignment.class_id == class_id)
                                   .order_by(Assignment.due_at.is_(None), Assignment.due_at,
                                             Assignment.id)))


def class_course_ids(school_class: SchoolClass, assignments: list[Assignment]) -> list[int]:
    """The courses a class works on: its default course, then those assigned."""
    ids = [school_class.course_id] if school_class.course_id else []
    ids += [a.course_id for a in assignments if a.course_id not in ids]
    return ids


def student_assignment_rows(user_id: int) -> list[tuple[Assignment, str]]:
    """Assignments of every open class the user belongs to, with the class name (1 query)."""
    return [(row[0], row[1]) for row in db.session.execute(
        select(Assignment, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(ClassMember, ClassMember.class_id == SchoolClass.id)
        .where(ClassMember.user_id == user_id, SchoolClass.archived_at.is_(None)))]


def available_course_ids() -> list[int]:
    return list(db.session.scalars(select(Course.id).where(Course.available)))


def student_attempts(user_id: int, course_ids: Iterable[int]) -> list[QuizAttempt]:
    """Submitted quiz attempts of one student in the courses, oldest first."""
    return list(db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user_id,
                                  QuizAttempt.course_id.in_(sorted(set(course_ids))),
                                  QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)))
