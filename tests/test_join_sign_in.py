"""A join link survives sign-up and login; teachers land on their classes after login."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.auth.models import User
from lms.classes import services
from lms.classes.models import ClassMember, SchoolClass
from lms.courses.models import Course, Module
from lms.db import db, utcnow

SIGNUP = {"display_name": "Nadia Rossi", "username": "nadia", "email": "",
          "password": "correct horse", "confirm": "correct horse", "birth_year": "2000"}


@pytest.fixture
def school_class(make_user: Callable[..., User], synced: None) -> SchoolClass:
    teacher = make_user("teacher", display_name="Prof Bianchi")
    course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    assert course is not None
    module = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                .order_by(Module.position)).first()
    assert module is not None
    klass = services.create_class(teacher.id, "Classe 4C Ponte", course.id, now=utcnow())
    services.assign(klass.id, course.id, module.id, utcnow() + timedelta(days=7), now=utcnow())
    return klass


def _member(user_name: str, klass: SchoolClass) -> bool:
    user = db.session.scalar(select(User).where(User.username == user_name))
    return user is not None and db.session.scalar(select(ClassMember.id).where(
        ClassMember.class_id == klass.id, ClassMember.user_id == user.id)) is not None


def test_sign_up_from_a_join_link_lands_in_the_class(client: FlaskClient,
                                                     school_class: SchoolClass) -> None:
    link = f"/join/{school_class.join_code}"
    to_login = client.get(link)
    assert to_login.status_code == 302 and "next=" in to_login.location
    login_page = client.get(to_login.location).text
    assert "After this step you join the class Classe 4C Ponte" in login_page
    assert "/account/signup?next=/join/" in login_page
    signup_page = client.get(f"/account/signup?next={link}").text
    assert "After this step you join the class Classe 4C Ponte, taught by Prof Bianchi" \
        in signup_page
    response = client.post("/account/signup", data={**SIGNUP, "next": link})
    assert response.status_code == 302 and response.location.endswith("/courses/")
    page = client.get(response.location).text
    assert "Welcome to Classe 4C Ponte" in page
    assert "Sample course" in page or "sample-course" in page
    assert _member("nadia", school_class)


def test_login_from_a_join_link_lands_in_the_class(client: FlaskClient, school_class: SchoolClass,
                                                   make_user: Callable[..., User]) -> None:
    learner = make_user(username="luca")
    link = f"/join/{school_class.join_code}"
    response = client.post("/account/login", data={"login": "luca", "password": "password123",
                                                   "next": link}, follow_redirects=True)
    assert "Welcome to Classe 4C Ponte" in response.text
    assert _member(learner.username, school_class)


def test_a_stale_code_during_sign_up_is_explained(client: FlaskClient,
                                                  school_class: SchoolClass) -> None:
    link = f"/join/{school_class.join_code}"
    services.set_archived(school_class.id, True, now=utcnow())
    page = client.get(f"/account/signup?next={link}").text
    assert "The class link you followed no longer works" in page
    response = client.post("/account/signup", data={**SIGNUP, "next": link},
                           follow_redirects=True)
    assert "is closed: it cannot be joined any more" in response.text
    assert db.session.scalar(select(User.id).where(User.username == "nadia")) is not None
    assert not _member("nadia", school_class)


def test_a_next_that_is_not_a_join_link_does_not_join(client: FlaskClient,
                                                      make_user: Callable[..., User]) -> None:
    make_user(username="mara")
    response = client.post("/account/login", data={"login": "mara", "password": "password123",
                                                   "next": "/account/"})
    assert response.location.endswith("/account/")


def test_teachers_land_on_their_classes(app: Flask, client: FlaskClient,
                                        make_user: Callable[..., User]) -> None:
    teacher = make_user("teacher")
    response = client.post("/account/login", data={"login": teacher.username,
                                                   "password": "password123"})
    assert response.location.endswith("/teach/classes/")
    student = make_user()
    other = app.test_client()
    response = other.post("/account/login", data={"login": student.username,
                                                   "password": "password123"})
    assert response.location.endswith("/courses/")
