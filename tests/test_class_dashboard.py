"""The class dashboard: matrix values, drill-down, student detail, chart, CSV, query counts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries

from lms.auth.models import User
from lms.classes import services
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import Course, CourseText, Item, ItemText, Module, ModuleText
from lms.db import db, utcnow
from lms.progress.services import mark_item_complete
from lms.quizzes.models import QuizAttempt

REFLECTION_QUESTIONS = [
    {"key": "q1", "type": "single", "prompt_html": "Pick one", "config": {}},
    {"key": "q2", "type": "reflection", "prompt_html": "What <em>surprised</em> you?",
     "config": {}},
]


def make_course(slug: str, modules: int, lessons: int) -> Course:
    """A course straight in the database: ``lessons`` lessons and one quiz per module."""
    course = Course(slug=slug, topic="other", default_language="en", languages=["en"],
                    version="1", content_hash="x", source_dir="/nowhere")
    course.texts = [CourseText(language="en", title=f"Course {slug}")]
    db.session.add(course)
    db.session.flush()
    for m in range(modules):
        module = Module(course_id=course.id, slug=f"m{m}", position=m)
        module.texts = [ModuleText(language="en", title=f"Module {m + 1}")]
        db.session.add(module)
        db.session.flush()
        for i in range(lessons + 1):
            quiz = i == lessons
            item = Item(module_id=module.id, course_id=course.id, slug=f"i{i}",
                        kind="quiz" if quiz else "lesson", position=i, content_hash="x",
                        quiz_settings={"pass_mark": 50} if quiz else None, required=not quiz)
            item.texts = [ItemText(language="en", title=f"Lesson {m + 1}.{i + 1}")]
            db.session.add(item)
    db.session.commit()
    return course


def make_class(teacher: User, course: Course, students: int) -> tuple[SchoolClass, list[User]]:
    """A class of ``students`` (inserted directly: no password hashing) with some progress."""
    school_class = services.create_class(teacher.id, f"Class {students}", course.id,
                                         now=utcnow())
    users = [User(username=f"kid{course.slug}{n}", display_name=f"Kid {n:02d}",
                  password_hash="!", role="student") for n in range(students)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(ClassMember(class_id=school_class.id, user_id=u.id) for u in users)
    db.session.commit()
    items = sorted(course.modules[0].items, key=lambda i: i.position)
    now = utcnow()
    for user in users[::2]:
        mark_item_complete(user.id, items[0].id, now=now)
        db.session.add(QuizAttempt(user_id=user.id, item_id=items[-1].id, course_id=course.id,
                                   number=1, language="en", seed=1, content_hash="x",
                                   questions=REFLECTION_QUESTIONS, answers={"q2": "Much"},
                                   score_percent=40.0, passed=False, submitted_at=now))
    db.session.commit()
    services.assign(school_class.id, course.id, None, now + timedelta(days=5), now=now)
    return school_class, users




@pytest.fixture
def teacher_client(app: Flask, make_user: Callable[..., User]) -> tuple[User, FlaskClient]:
    teacher = make_user("teacher")
    client = app.test_client()
    client.post("/account/login", data={"login": teacher.username, "password": "password123"})
    return teacher, client


def test_query_count_does_not_grow_with_class_or_course_size(
        teacher_client: tuple[User, FlaskClient]) -> None:
    teacher, client = teacher_client
    counts: dict[str, set[int]] = {}
    for students, modules, lessons in ((5, 2, 2), (40, 2, 2), (5, 6, 10), (40, 6, 10)):
        course = make_course(f"c{students}-{modules}", modules, lessons)
        school_class, users = make_class(teacher, course, students)
        base = f"/teach/classes/{school_class.id}"
        pages = {
            "dashboard": f"{base}/",
            "module": f"{base}/modules/{course.modules[0].id}/",
            "student": f"{base}/students/{users[0].id}/",
            "members": f"{base}/students/",  # with who may reset whom and the last resets
            "xlsx": f"{base}/export.xlsx",
            "csv": f"{base}/export.csv",
        }
        for name, url in pages.items():
            with count_queries() as statements:
                response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            counts.setdefault(name, set()).add(len(statements))
        assert response.text.count("\r\n") == students * modules + 1  # the CSV rows
    assert all(len(seen) == 1 for seen in counts.values()), counts
    assert max(next(iter(seen)) for seen in counts.values()) <= 15, counts


def test_student_home_query_count_is_constant(app: Flask, make_user: Callable[..., User]
                                               ) -> None:
    teacher = make_user("teacher")
    counts = set()
    for modules, lessons in ((1, 1), (6, 10)):
        course = make_course(f"h{modules}", modules, lessons)
        school_class, users = make_class(teacher, course, 2)
        for module in course.modules:
            services.assign(school_class.id, course.id, module.id, None, now=utcnow())
        student = make_user("student")
        services.join_class(student.id, school_class.join_code, now=utcnow())
        client = app.test_client()
        client.post("/account/login", data={"login": student.username,
                                            "password": "password123"})
        with count_queries() as statements:
            page = client.get("/courses/")
        assert "My assignments" in page.text
        counts.add(len(statements))
    assert len(counts) == 1, counts


def test_matrix_shows_completion_scores_overdue_and_chart(
        teacher_client: tuple[User, FlaskClient]) -> None:
    teacher, client = teacher_client
    course = make_course("matrix", 2, 2)
    school_class, users = make_class(teacher, course, 4)
    module = course.modules[0]
    services.assign(school_class.id, course.id, module.id, utcnow() + timedelta(days=1),
                    now=utcnow())
    for item in module.items:  # Kid 00 finishes module 1 (lessons; the quiz is optional)
        if item.kind == "lesson":
            mark_item_complete(users[0].id, item.id, now=utcnow())
    for assignment in db.session.query(Assignment).filter_by(module_id=module.id):
        assignment.due_at = utcnow() - timedelta(hours=1)  # now overdue
    db.session.commit()
    page = client.get(f"/teach/classes/{school_class.id}/").text
    rows = {re.search(r">(Kid \d+)</a>", row).group(1): row
            for row in page.split("<tr>") if re.search(r">(Kid \d+)</a>", row)}
    assert "Done" in rows["Kid 00"] and "quiz 40%" in rows["Kid 00"]
    assert "Overdue" in rows["Kid 01"] and "1 overdue" in rows["Kid 01"]
    assert "50%" in rows["Kid 02"] and "Overdue" in rows["Kid 02"]
    assert 'role="img"' in page and "<title id=\"chart-title\">" in page
    assert "Module 1: 1 of 4 students (25%)" in page  # the SVG's text alternative
    drill = client.get(f"/teach/classes/{school_class.id}/modules/{module.id}/").text
    assert "Lesson 1.1" in drill and "best 40% in 1 attempt" in drill and "Not yet" in drill


def test_student_detail_shows_lessons_attempts_and_reflections(
        teacher_client: tuple[User, FlaskClient]) -> None:
    teacher, client = teacher_client
    course = make_course("detail", 1, 2)
    school_class, users = make_class(teacher, course, 2)
    page = client.get(f"/teach/classes/{school_class.id}/students/{users[0].id}/").text
    assert "Lesson 1.1" in page and "attempt 1" in page and "score 40%" in page
    assert "What <em>surprised</em> you?" in page and "Much" in page
    other = client.get(f"/teach/classes/{school_class.id}/students/{users[1].id}/").text
    assert "No quiz attempts yet." in other


def test_csv_export_rows_and_format(teacher_client: tuple[User, FlaskClient]) -> None:
    teacher, client = teacher_client
    course = make_course("csv", 2, 1)
    school_class, users = make_class(teacher, course, 2)
    users[1].display_name = "=cmd|' /C calc'!A0"
    db.session.commit()
    response = client.get(f"/teach/classes/{school_class.id}/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:5] == ["Student", "Username", "Course", "Module", "Completion %"]
    assert len(rows) == 1 + 2 * 2
    kid0 = [r for r in rows if r[0] == "Kid 00"]
    assert kid0[0][3:6] == ["Module 1", "100", "40"] and kid0[0][6]  # completed, with date
    assert kid0[1][3:6] == ["Module 2", "0", ""] and kid0[1][8] == "no"
    assert any(r[0] == "'=cmd|' /C calc'!A0" for r in rows)
