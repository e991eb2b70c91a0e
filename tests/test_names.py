"""One name-cleaning rule (lms.names) for every name anyone types, and no student wearing
their teacher's name in a class."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from lms.auth.models import User
from lms.classes import services as classes
from lms.classes.models import ClassMember, SchoolClass
from lms.db import db, utcnow
from lms.names import clean_name, name_key

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
ARABIC_WITH_ZWNJ = "ليلى عبد\u200cالرحمن"


@pytest.mark.parametrize(("raw", "clean"), [
    ("Bob \u202egnp.exe", "Bob gnp.exe"),
    ("\u2066Bob\u2069 \u2067Rossi\u2068", "Bob Rossi"),
    ("\u200eBob\u200f\u061c", "Bob"),
    ("B\u200bo\u200cb\u200d", "Bob"),
    ("\ufeffBo\u2060b", "Bob"),
    ("Bob\x07\x1b[31m", "Bob[31m"),
    ("  Zoë \t\n Müller\u00a0 ", "Zoë Müller"),
    ("Zoe\u0308", "Zoë"),
    ("\u3164", ""),
    ("\u200b \u202e", ""),
    (ARABIC_WITH_ZWNJ, ARABIC_WITH_ZWNJ),
    ("क्\u200dष", "क्\u200dष"),
])
def test_the_one_rule(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_names_compare_without_case_width_or_joiners() -> None:
    assert name_key("ＢＯＢ  rossi") == name_key("bob Rossi") == name_key("B\u200dob \u202eRossi")
    assert name_key("Bob") != name_key("Rob")


@given(st.text(alphabet=st.sampled_from(BIDI + ZERO_WIDTH + " \t\n\x00\x07aZë\u0308ل")))
def test_nothing_invisible_survives(raw: str) -> None:
    name = clean_name(raw)
    assert name == name.strip() and "  " not in name
    assert not any(char in BIDI or unicodedata.category(char) in ("Cc", "Cs", "Co")
                   for char in name)
    # a joiner only survives between two Arabic letters (here: ل)
    assert all(name[i - 1] == name[i + 1] == "ل" for i, char in enumerate(name)
               if char in ZERO_WIDTH)
    assert unicodedata.is_normalized("NFC", name) and clean_name(name) == name


def test_sign_up_and_account_page_clean_the_name(client: FlaskClient) -> None:
    response = client.post("/account/signup", data={
        "display_name": "Bob \u202egnp.exe\u200b", "username": "bob", "email": "",
        "password": "correct horse", "confirm": "correct horse", "birth_year": "2000"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "bob"))
    assert user is not None and user.display_name == "Bob gnp.exe"
    client.post("/account/", data={"display_name": "\u2066Roberto\u2069  R.", "language": ""})
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Roberto R."


def test_services_and_class_names_use_the_rule(make_user: Callable[..., User]) -> None:
    user = make_user(display_name="Eve\u202e\u200b Test")
    assert user.display_name == "Eve Test"
    teacher = make_user("teacher")
    school_class = classes.create_class(teacher.id, "3B \u202eexe.", None, now=utcnow())
    assert school_class.name == "3B exe."
    names, problems = classes.parse_name_list("Bob \u202egnp.exe\nZ\u200boë\n")
    assert names == ["Bob gnp.exe", "Zoë"] and problems == []


def test_certificate_names_are_refused_by_the_same_rule() -> None:
    from lms.certificates.services import CertificateError, clean_printed_name

    with pytest.raises(CertificateError):
        clean_printed_name("B\u200dob")
    assert clean_printed_name(ARABIC_WITH_ZWNJ) == ARABIC_WITH_ZWNJ


# --- a student may not take the teacher's name ----------------------------------------------

@pytest.fixture
def teacher_and_class(make_user: Callable[..., User]) -> tuple[User, SchoolClass]:
    teacher = make_user("teacher", display_name="Maria Rossi")
    return teacher, classes.create_class(teacher.id, "Classe 5C", None, now=utcnow())


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert client.post("/account/login", data={"login": user.username,
                                               "password": "password123"}).status_code == 302
    return client


@pytest.mark.parametrize("name", ["Maria Rossi", "maria  ROSSI", "Maria\u200b Rossi\u202e",
                                  "Ｍａｒｉａ Ｒｏｓｓｉ"])
def test_a_student_cannot_join_wearing_the_teachers_name(
        app: Flask, make_user: Callable[..., User],
        teacher_and_class: tuple[User, SchoolClass], name: str) -> None:
    _, school_class = teacher_and_class
    student = make_user(display_name=name)
    response = _client(app, student).post("/join", data={"code": school_class.join_code})
    assert response.status_code == 200
    assert "the same as your teacher" in response.text
    assert db.session.scalar(select(ClassMember).where(
        ClassMember.user_id == student.id)) is None


def test_a_student_in_the_class_cannot_rename_to_the_teacher(
        app: Flask, make_user: Callable[..., User],
        teacher_and_class: tuple[User, SchoolClass]) -> None:
    _, school_class = teacher_and_class
    student = make_user(display_name="Luca Bianchi")
    classes.join_class(student.id, school_class.join_code, now=utcnow())
    client = _client(app, student)
    response = client.post("/account/", data={"display_name": "MARIA ROSSI", "language": ""})
    assert response.status_code == 200
    assert "the same as your teacher" in response.text
    db.session.expire_all()
    assert db.session.get(User, student.id).display_name == "Luca Bianchi"
    ok = client.post("/account/", data={"display_name": "Maria Rossa", "language": ""})
    assert ok.status_code == 302


def test_a_teacher_cannot_make_a_student_account_with_their_own_name(
        app: Flask, teacher_and_class: tuple[User, SchoolClass]) -> None:
    teacher, school_class = teacher_and_class
    response = _client(app, teacher).post(f"/teach/classes/{school_class.id}/accounts",
                                          data={"names": "Anna Verdi\nmaria rossi\n"})
    assert response.status_code == 200
    assert "Line 2 is the teacher&#39;s own name" in response.text
    assert db.session.scalar(select(ClassMember).where(
        ClassMember.class_id == school_class.id)) is None
