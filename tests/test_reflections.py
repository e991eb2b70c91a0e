"""Reflections side by side: the teacher's view, private comments, what the student sees,
bad input, query counts, and the comments in the student's data download and deletion."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries
from sqlalchemy import select
from test_class_dashboard import REFLECTION_QUESTIONS, make_class, make_course

from lms.auth.models import User
from lms.classes.models import SchoolClass
from lms.db import db, utcnow
from lms.quizzes.models import QuizAttempt
from lms.reflections.models import ReflectionComment


def _teacher(app: Flask, make_user: Callable[..., User]) -> tuple[User, FlaskClient]:
    teacher = make_user("teacher")
    client = app.test_client()
    client.post("/account/login", data={"login": teacher.username, "password": "password123"})
    return teacher, client


def _setup(teacher: User, slug: str = "refl", students: int = 4
           ) -> tuple[SchoolClass, list[User], int, list[QuizAttempt]]:
    course = make_course(slug, 1, 1)
    school_class, users = make_class(teacher, course, students)
    quiz = max(course.modules[0].items, key=lambda i: i.position)
    quiz_id = quiz.id
    quiz.texts[0].questions = REFLECTION_QUESTIONS  # the course's own text asks for it too
    db.session.commit()
    attempts = list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.item_id == quiz_id).order_by(QuizAttempt.user_id)))
    return school_class, users, quiz_id, attempts


def _url(school_class: SchoolClass, quiz_id: int, tail: str = "") -> str:
    return f"/teach/classes/{school_class.id}/reflections/{quiz_id}/{tail}"


def test_every_answer_on_one_page_with_a_constant_query_count(
        app: Flask, make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user)
    counts = set()
    for students in (5, 40):
        school_class, users, quiz_id, attempts = _setup(teacher, f"r{students}", students)
        # One comment per answer, so the comments are part of what is counted.
        for attempt in attempts:
            db.session.add(ReflectionComment(attempt_id=attempt.id, question_key="q2",
                                             student_id=attempt.user_id,
                                             teacher_id=teacher.id, body="Well said"))
        db.session.commit()
        with count_queries() as statements:
            page = client.get(_url(school_class, quiz_id))
        assert page.status_code == 200
        counts.add(len(statements))
        # make_class gives every other student an attempt answering "Much".
        assert page.text.count(">Much</div>") == (students + 1) // 2
        assert page.text.count("Well said") == (students + 1) // 2
        assert "What <em>surprised</em> you?" in page.text  # the prompt, as course HTML
        assert all(u.display_name in page.text for u in users)
        index = client.get(f"/teach/classes/{school_class.id}/reflections/")
        assert _url(school_class, quiz_id) in index.text
    assert len(counts) == 1, counts
    assert next(iter(counts)) <= 15, counts


def test_a_comment_reaches_the_student_once_as_new(
        app: Flask, make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user)
    school_class, users, quiz_id, attempts = _setup(teacher)
    attempt = attempts[0]
    response = client.post(_url(school_class, quiz_id, "comment"), data={
        "attempt": attempt.id, "key": "q2", "body": "  Try <b>one</b> example.\nThanks  "})
    assert response.status_code == 302
    assert f"#answer-{attempt.id}-q2" in response.headers["Location"]
    comment = db.session.scalar(select(ReflectionComment))
    assert comment.body == "Try <b>one</b> example.\nThanks"
    assert comment.student_id == attempt.user_id and comment.seen_at is None
    page = client.get(_url(school_class, quiz_id)).text
    assert "Try &lt;b&gt;one&lt;/b&gt; example." in page  # markup is shown as text

    from lms.reflections import services

    student_id = attempt.user_id
    new = services.new_comments(student_id, language="en")
    assert [(n.teacher, n.title, n.number) for n in new] == [
        (teacher.display_name, "Lesson 1.2", 1)]
    shown = services.comments_on_attempt(student_id, attempt.id, now=utcnow())
    assert [(c.body, c.new) for c in shown["q2"]] == [("Try <b>one</b> example.\nThanks", True)]
    assert services.new_comments(student_id, language="en") == []  # seen now
    again = services.comments_on_attempt(student_id, attempt.id, now=utcnow())
    assert [c.new for c in again["q2"]] == [False]
    # Nobody else sees it: another student's attempt has no comments.
    assert services.comments_on_attempt(student_id + 1, attempt.id, now=utcnow()) == {}


def test_the_student_sees_the_comment_on_the_attempt_and_home_pages(
        app: Flask, synced: None, make_user: Callable[..., User]) -> None:
    from test_quiz_taking import QUIZ_COURSES, hidden, sync_dir

    from lms.classes import services as classes
    from lms.courses.models import Course, Item

    sync_dir(QUIZ_COURSES)
    teacher, teacher_client = _teacher(app, make_user)
    student = make_user("student")
    course = db.session.scalar(select(Course).where(Course.slug == "every-type"))
    item = db.session.scalar(select(Item).where(Item.course_id == course.id,
                                                Item.kind == "quiz"))
    school_class = classes.create_class(teacher.id, "3B", course.id, now=utcnow())
    classes.join_class(student.id, school_class.join_code, now=utcnow())
    client = app.test_client()
    client.post("/account/login", data={"login": student.username, "password": "password123"})
    quiz_url = "/courses/every-type/all/every-type/"
    client.get(quiz_url)
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == student.id))
    key = next(q["key"] for q in attempt.questions if q["type"] == "reflection")
    token = hidden(client.get(quiz_url).text, "token")
    posted = client.post(quiz_url + "quiz", data={"attempt": attempt.id, "token": token,
                                                  key: "The farmer, I hope."})
    assert posted.status_code == 302, posted.text[:300]
    board = teacher_client.get(_url(school_class, item.id)).text
    assert "The farmer, I hope." in board
    assert teacher_client.post(_url(school_class, item.id, "comment"), data={
        "attempt": attempt.id, "key": key, "body": "Who else?"}).status_code == 302
    home = client.get("/courses/").text
    assert "New comments from your teacher" in home
    assert "/courses/every-type/all/every-type/attempts/1" in home
    result = client.get("/courses/every-type/all/every-type/attempts/1").text
    assert "Who else?" in result and "New" in result
    assert "New comments from your teacher" not in client.get("/courses/").text


def test_bad_comments_get_a_clear_answer(app: Flask, make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user)
    school_class, users, quiz_id, attempts = _setup(teacher)
    other_teacher = make_user("teacher")
    other_class, _, other_quiz, other_attempts = _setup(other_teacher, "other")
    url = _url(school_class, quiz_id, "comment")
    # Another teacher's student, through my own class: refused.
    assert client.post(url, data={"attempt": other_attempts[0].id, "key": "q2",
                                  "body": "Hi"}).status_code == 403
    # Another teacher's class: as if it did not exist.
    assert client.post(_url(other_class, other_quiz, "comment"), data={
        "attempt": other_attempts[0].id, "key": "q2", "body": "Hi"}).status_code == 404
    # A question that is not a reflection, or an unknown attempt.
    assert client.post(url, data={"attempt": attempts[0].id, "key": "q1",
                                  "body": "Hi"}).status_code == 403
    assert client.post(url, data={"attempt": 999_999, "key": "q2",
                                  "body": "Hi"}).status_code == 403
    empty = client.post(url, data={"attempt": attempts[0].id, "key": "q2", "body": "   "})
    assert empty.status_code == 400 and "Please write a comment." in empty.text
    long = client.post(url, data={"attempt": attempts[0].id, "key": "q2", "body": "x" * 10_000})
    assert long.status_code == 400
    assert "A comment can be at most 2000 characters long." in long.text
    assert 'aria-invalid="true"' in long.text
    missing = client.post(url, data={"body": "Hi"})
    assert missing.status_code == 400
    assert db.session.scalar(select(ReflectionComment)) is None


def test_students_cannot_open_the_reflections(app: Flask, make_user: Callable[..., User]
                                               ) -> None:
    teacher, _ = _teacher(app, make_user)
    school_class, users, quiz_id, attempts = _setup(teacher)
    student = make_user("student")
    client = app.test_client()
    client.post("/account/login", data={"login": student.username, "password": "password123"})
    assert client.get(_url(school_class, quiz_id)).status_code == 403


def test_comments_are_in_the_data_download_and_go_with_the_account(
        app: Flask, make_user: Callable[..., User]) -> None:
    from lms.privacy.services import delete_account, export_user_data
    from lms.reflections.services import add_comment

    teacher, _ = _teacher(app, make_user)
    school_class, users, quiz_id, attempts = _setup(teacher)
    add_comment(class_id=school_class.id, teacher_id=teacher.id, attempt_id=attempts[0].id,
                question_key="q2", body="Good point", now=utcnow())
    student_id = attempts[0].user_id
    data = export_user_data(student_id)
    assert [(c["comment"], c["teacher"], c["attempt_number"])
            for c in data["reflection_comments"]] == [("Good point", teacher.display_name, 1)]
    assert export_user_data(users[1].id)["reflection_comments"] == []
    delete_account(student_id, now=utcnow())
    assert db.session.scalar(select(ReflectionComment)) is None


def test_answers_to_a_question_since_removed_are_still_shown(
        app: Flask, make_user: Callable[..., User]) -> None:
    from lms.courses.models import Item

    teacher, client = _teacher(app, make_user)
    school_class, users, quiz_id, attempts = _setup(teacher)
    item = db.session.get(Item, quiz_id)
    item.content_hash = "y"  # a new version of the quiz without the reflection
    item.texts[0].content_hash = "y"
    item.texts[0].questions = REFLECTION_QUESTIONS[:1]
    db.session.commit()
    page = client.get(_url(school_class, quiz_id)).text
    assert "What <em>surprised</em> you?" in page  # the prompt from the attempts' snapshot
    assert page.count(">Much</div>") == len(attempts)
