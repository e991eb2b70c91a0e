"""Due and overdue work: the student's home page, the teacher's class page, and the weekly
digest (``lms reminders send``) through the outbox to a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from test_class_dashboard import make_class, make_course

from lms.auth.models import User
from lms.classes import services
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import Course
from lms.db import db, utcnow
from lms.mail.models import MailStatus, OutboxMail
from lms.reminders.models import DigestSent
from tests.mail_support import smtp_server
from tests.servers import free_port


def _assign(school_class: SchoolClass, course: Course, due_in: timedelta,
            module_id: int | None = None) -> Assignment:
    """An assignment due ``due_in`` from now (negative: overdue; assigning refuses a past
    date, so it is moved back afterwards, as time passing would)."""
    now = utcnow()
    assignment, _ = services.assign(school_class.id, course.id, module_id,
                                    now + timedelta(days=30), now=now)
    assignment.due_at = now + due_in
    db.session.commit()
    return assignment


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert client.post("/account/login", data={"login": user.username,
                                                "password": "password123"}).status_code == 302
    return client


def _late_class(teacher: User, slug: str, students: int = 4
                ) -> tuple[SchoolClass, list[User], Course]:
    """A class whose course was due yesterday; make_class had every other student finish."""
    course = make_course(slug, 1, 1)
    school_class, users = make_class(teacher, course, students)
    db.session.execute(Assignment.__table__.delete().where(
        Assignment.class_id == school_class.id))
    _assign(school_class, course, -timedelta(days=1))
    return school_class, users, course


def test_home_lists_overdue_and_this_weeks_work_per_class(
        app: Flask, make_user: Callable[..., User]) -> None:
    first, second = make_user("teacher"), make_user("teacher")
    student = make_user("student")
    late = make_course("late", 1, 1)
    soon = make_course("soon", 1, 1)
    later = make_course("later", 1, 1)
    class_a = services.create_class(first.id, "Class A", late.id, now=utcnow())
    class_b = services.create_class(second.id, "Class B", soon.id, now=utcnow())
    for school_class in (class_a, class_b):
        services.join_class(student.id, school_class.join_code, now=utcnow())
    _assign(class_a, late, -timedelta(days=2))
    _assign(class_b, soon, timedelta(days=5))
    _assign(class_b, later, timedelta(days=12))
    home = _client(app, student).get("/courses/").text
    section = home.split('id="assignments-heading"')[1].split("</section>")[0]
    overdue = section.split("Overdue (1)")[1].split("Due this week")[0]
    assert "Class A" in overdue and "Course late" in overdue and "Class B" not in overdue
    this_week = section.split("Due this week (1)")[1].split("To do")[0]
    assert '<h4 class="class-group"><bdi>Class B</bdi></h4>' in this_week
    assert "Course soon" in this_week and "Course later" not in this_week
    assert "Course later" in section.split("To do (1)")[1]


def test_class_page_lists_overdue_students_per_assignment(
        app: Flask, make_user: Callable[..., User]) -> None:
    teacher = make_user("teacher")
    school_class, users, course = _late_class(teacher, "dash")
    _assign(school_class, course, timedelta(days=3), course.modules[0].id)  # not late yet
    page = _client(app, teacher).get(f"/teach/classes/{school_class.id}/").text
    section = page.split('id="overdue-heading"')[1].split("</section>")[0]
    assert section.count("<strong><bdi>") == 1  # one overdue assignment, the whole course
    assert "Course dash" in section and "2 students" in section
    late = [u.display_name for u in users[1::2]]
    finished = [u.display_name for u in users[::2]]
    assert all(name in section for name in late)
    assert not any(f">{name}</a>" in section for name in finished)


def _smtp(app: Flask) -> int:
    port = free_port()
    app.config.update(LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=port, LMS_SMTP_TLS="none",
                      LMS_MAIL_FROM="lms@example.org", LMS_BASE_URL="https://learn.example.org")
    return port


def _people(make_user: Callable[..., User]) -> dict[str, User]:
    """Teachers and students of every kind the digest must tell apart."""
    now = utcnow()
    people = {
        "teacher": make_user("teacher", email="teacher@example.org", language="it"),
        "quiet_teacher": make_user("teacher", email="quiet@example.org"),
        "opted_out_teacher": make_user("teacher", email="optout@example.org"),
        "no_email_teacher": make_user("teacher"),
        "student": make_user("student", email="kid@example.org"),
        "unconfirmed": make_user("student", email="unconfirmed@example.org"),
        "opted_out": make_user("student", email="nomail@example.org"),
    }
    people["student"].email_confirmed_at = now
    people["opted_out"].email_confirmed_at = now
    people["opted_out"].digest_opt_out = True
    people["opted_out_teacher"].digest_opt_out = True
    db.session.commit()
    school_class, _, course = _late_class(people["teacher"], "digest")
    for key in ("student", "unconfirmed", "opted_out"):
        db.session.add(ClassMember(class_id=school_class.id, user_id=people[key].id))
    _late_class(people["opted_out_teacher"], "optout")
    _late_class(people["no_email_teacher"], "noemail")
    services.create_class(people["quiet_teacher"].id, "Nothing due", course.id, now=utcnow())
    db.session.commit()
    return people


def test_reminders_send_one_digest_per_person_and_week(
        app: Flask, make_user: Callable[..., User]) -> None:
    port = _smtp(app)
    _people(make_user)
    runner = app.test_cli_runner()
    with smtp_server(port) as sink:
        result = runner.invoke(args=["reminders", "send"])
        assert result.exit_code == 0, result.output
        assert "queued 1 teacher and 1 student digests" in result.output
        by_recipient = {str(m["To"]): m for m in sink.messages}
        assert sorted(by_recipient) == ["kid@example.org", "teacher@example.org"]
        teacher_mail = by_recipient["teacher@example.org"]
        assert teacher_mail["Subject"] == "La tua settimana: lavori in scadenza e in ritardo"
        body = teacher_mail.get_content()
        assert "Course digest" in body and "Kid 01" in body and "Kid 00" not in body
        assert "https://learn.example.org/teach/classes/" in body
        kid_mail = by_recipient["kid@example.org"].get_content()
        assert "Course digest" in kid_mail and "Class 4" in kid_mail
        # A second run in the same week queues and sends nothing new.
        again = runner.invoke(args=["reminders", "send"])
        assert again.exit_code == 0 and "queued 0 teacher and 0 student" in again.output
        assert "2 already queued" in again.output
        assert len(sink.messages) == 2
    assert db.session.scalar(select(func.count(DigestSent.id))) == 2


def test_a_mail_server_down_loses_nothing(app: Flask, make_user: Callable[..., User]) -> None:
    port = _smtp(app)  # nothing listens there yet: the server is down
    _people(make_user)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0, first.output
    assert "to retry 2" in first.output
    pending = db.session.scalars(select(OutboxMail)).all()
    assert [m.status for m in pending] == [MailStatus.PENDING] * 2
    with smtp_server(port) as sink:
        second = runner.invoke(args=["reminders", "send"])
        assert second.exit_code == 0, second.output
        assert "queued 0 teacher and 0 student" in second.output
        assert sorted(str(m["To"]) for m in sink.messages) == [
            "kid@example.org", "teacher@example.org"]


def test_my_account_opts_out_of_the_digest(app: Flask, make_user: Callable[..., User]) -> None:
    student = make_user("student")
    client = _client(app, student)
    page = client.get("/account/").text
    assert "Email me a weekly summary of due and overdue work" in page
    assert 'checked id="weekly_digest"' in page
    client.post("/account/", data={"display_name": student.display_name, "language": ""})
    db.session.refresh(student)
    assert student.digest_opt_out is True
    client.post("/account/", data={"display_name": student.display_name, "language": "",
                                   "weekly_digest": "y"})
    db.session.refresh(student)
    assert student.digest_opt_out is False
