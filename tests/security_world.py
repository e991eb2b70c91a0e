"""A small world for the authorization, CSRF and privacy tests: one synced course, two
teachers with a class each, a student in teacher A's class with a quiz attempt and a
certificate, another student, a trainer and an admin.

Rows are written directly (not through the feature services), so the world does not change
when a feature's service signatures do; passwords use a cheap hash to keep the tests fast.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from lms.auth.models import User
from lms.certificates.codes import new_code
from lms.certificates.models import Certificate
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import Course, Item, Module
from lms.db import db, utcnow
from lms.progress.models import Enrollment, ItemCompletion
from lms.quizzes.models import QuizAttempt

PASSWORD = "password123"
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

#: The roles of the matrix, in the order the requests are made (refused ones first).
ROLES = ("anonymous", "student", "other_student", "teacher", "other_teacher", "trainer",
         "admin")
#: role -> (username, User.role)
ACCOUNTS = {
    "student": ("sam", "student"),
    "other_student": ("olga", "student"),
    "teacher": ("tina", "teacher"),
    "other_teacher": ("otto", "teacher"),
    "trainer": ("trent", "trainer"),
    "admin": ("ada", "admin"),
}


DRAFT_SLUG = "draft-course"
SAMPLE_IMAGE = (Path(__file__).parent / "data" / "packages" / "good" / "sample-course"
                / "01-basics" / "chain.svg")


@dataclass
class World:
    users: dict[str, int]
    course_slug: str
    course_id: int
    module_slug: str
    module_id: int
    lesson_slug: str
    lesson_id: int
    quiz_slug: str
    quiz_id: int
    class_id: int
    other_class_id: int
    join_code: str
    assignment_id: int
    attempt_number: int
    certificate_code: str
    draft_slug: str = DRAFT_SLUG

    @property
    def student_id(self) -> int:
        return self.users["student"]


def sync_sample_courses(app: Flask) -> None:
    from lms.courses.sync import load_packages, sync_courses

    state = app.extensions["lms"]
    specs, problems = load_packages(state.course_dirs, question_types=state.question_types)
    assert not [p for p in problems if p.is_error], problems
    sync_courses(specs, now=utcnow())


def clear_database() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def build_world(app: Flask) -> World:
    """Fill an empty database with the world described in the module docstring."""
    sync_sample_courses(app)
    now = utcnow()
    users: dict[str, User] = {}
    for role, (username, kind) in ACCOUNTS.items():
        users[role] = User(username=username, display_name=f"{role.replace('_', ' ').title()}",
                           password_hash=_FAST_HASH, role=kind, email=f"{username}@example.org")
        db.session.add(users[role])
    db.session.flush()
    users["student"].created_by_id = users["teacher"].id
    users["student"].email = None  # a teacher-created account: no email

    course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    assert course is not None
    module = db.session.scalar(select(Module).where(Module.course_id == course.id)
                               .order_by(Module.position))
    items = db.session.scalars(select(Item).where(Item.module_id == module.id)
                               .order_by(Item.position)).all()
    lesson = next(item for item in items if item.kind == "lesson")
    quiz = next(item for item in items if item.kind == "quiz")

    school_class = SchoolClass(name="3B", teacher_id=users["teacher"].id, course_id=course.id,
                               join_code="ABCDEF")
    other_class = SchoolClass(name="4C", teacher_id=users["other_teacher"].id,
                              course_id=course.id, join_code="GHJKLM")
    db.session.add_all([school_class, other_class])
    db.session.flush()
    db.session.add(ClassMember(class_id=school_class.id, user_id=users["student"].id))
    db.session.add(ClassMember(class_id=other_class.id, user_id=users["other_student"].id))
    assignment = Assignment(class_id=school_class.id, course_id=course.id, module_id=None)
    db.session.add(assignment)

    student_id = users["student"].id
    db.session.add(Enrollment(user_id=student_id, course_id=course.id, last_item_id=lesson.id))
    db.session.add(ItemCompletion(user_id=student_id, item_id=lesson.id, course_id=course.id,
                                  completed_at=now))
    db.session.add(QuizAttempt(
        user_id=student_id, item_id=quiz.id, course_id=course.id, number=1, language="en",
        seed=1, content_hash="x" * 64, questions=[], answers={"q1": ["o2"]},
        results={"q1": {"score": 1.0}}, score_percent=100.0, passed=True,
        started_at=now - timedelta(minutes=5), submitted_at=now))
    code = new_code()
    db.session.add(Certificate(
        code=code, user_id=student_id, course_id=course.id,
        course_slug=course.slug, printed_name="Sam Student", course_title="Sample course",
        course_version="1", language="en", completed_at=now, issued_at=now,
        pdf=b"%PDF-1.4 test", pdf_rendered_at=now))
    db.session.commit()
    _trainer_draft(app, users["trainer"])
    return World(
        users={role: user.id for role, user in users.items()},
        course_slug=course.slug, course_id=course.id, module_slug=module.slug,
        module_id=module.id, lesson_slug=lesson.slug, lesson_id=lesson.id,
        quiz_slug=quiz.slug, quiz_id=quiz.id, class_id=school_class.id,
        other_class_id=other_class.id, join_code=school_class.join_code,
        assignment_id=assignment.id, attempt_number=1, certificate_code=code)


def _trainer_draft(app: Flask, trainer: User) -> None:
    """A browser-authored course owned by the trainer, published once (version 1)."""
    from lms.authoring import publishing, services
    from lms.authoring.models import CourseAuthor
    from lms.authoring.views import authoring_dirs

    dirs = authoring_dirs()
    state = app.extensions["lms"]
    if not (dirs.draft(DRAFT_SLUG) / "course.md").is_file():
        services.create_course(dirs, slug=DRAFT_SLUG, title="Draft course", summary="A draft.",
                               topic="fair-trade", languages=["en"], owner=trainer,
                               course_dirs=state.course_dirs)
        shutil.copy(SAMPLE_IMAGE, dirs.draft(DRAFT_SLUG) / "picture.svg")
    else:  # the files outlive a cleared database: give the draft its owner back
        db.session.add(CourseAuthor(course_slug=DRAFT_SLUG, user_id=trainer.id, role="owner"))
        db.session.commit()
    publishing.publish(dirs, DRAFT_SLUG, user_id=trainer.id, note="first", now=utcnow(),
                       question_types=state.question_types)


def login_client(app: Flask, role: str) -> Any:
    """A test client logged in as ``role`` (anonymous: not logged in)."""
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/account/login",
                               data={"login": ACCOUNTS[role][0], "password": PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
    return client


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: to prove nothing was written."""
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def csrf_token_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login_client_with_csrf(app: Flask, role: str) -> Any:
    """Like :func:`login_client` for an app with CSRF protection on."""
    client = app.test_client()
    if role != "anonymous":
        token = csrf_token_from(client.get("/account/login").text)
        response = client.post("/account/login", data={
            "login": ACCOUNTS[role][0], "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, (role, response.status_code)
    return client
