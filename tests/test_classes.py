"""Classes: creating, joining, email-less accounts, login cards, assignments, authorization."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.auth.models import User
from lms.classes import services
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import Course, Item, Module
from lms.db import db, utcnow
from lms.progress.services import mark_item_complete

Login = Callable[[User], FlaskClient]

# Long enough that it never turns up by chance inside a random CSRF token.
CLASS_NAME = "Classe 3B Intercultura"


@pytest.fixture
def client_for(app: Flask) -> Login:
    """A fresh test client logged in as ``user`` (so several people can act in one test)."""

    def make(user: User, password: str = "password123") -> FlaskClient:
        client = app.test_client()
        response = client.post("/account/login", data={"login": user.username,
                                                       "password": password})
        assert response.status_code == 302, response.text
        return client

    return make


@dataclass
class World:
    teacher: User
    other_teacher: User
    student: User
    outsider: User
    school_class: SchoolClass
    course: Course
    modules: list[Module]
    assignment: Assignment


@pytest.fixture
def world(make_user: Callable[..., User], synced: None) -> World:
    teacher = make_user("teacher")
    other = make_user("teacher")
    student = make_user("student")
    outsider = make_user("student")
    course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    assert course is not None
    modules = list(db.session.scalars(select(Module).where(Module.course_id == course.id)
                                      .order_by(Module.position)))
    school_class = services.create_class(teacher.id, CLASS_NAME, course.id, now=utcnow())
    services.join_class(student.id, school_class.join_code, now=utcnow())
    # Due in ten days: "to do", not yet "due this week".
    assignment, _ = services.assign(school_class.id, course.id, modules[0].id,
                                    utcnow() + timedelta(days=10), now=utcnow())
    return World(teacher, other, student, outsider, school_class, course, modules, assignment)


def teacher_routes(w: World) -> list[tuple[str, str, dict[str, str]]]:
    """Every teacher route of one class, with a harmless body for the POSTs."""
    base = f"/teach/classes/{w.school_class.id}"
    sid, mid, aid = w.student.id, w.modules[0].id, w.assignment.id
    return [
        ("GET", f"{base}/", {}),
        ("GET", f"{base}/students/", {}),
        ("GET", f"{base}/students/{sid}/", {}),
        ("GET", f"{base}/modules/{mid}/", {}),
        ("GET", f"{base}/export.csv", {}),
        ("GET", f"{base}/accounts", {}),
        ("POST", f"{base}/accounts", {"names": "Intruder Kid"}),
        ("GET", f"{base}/assign", {}),
        ("POST", f"{base}/assign", {"target": f"c{w.course.id}", "due_date": ""}),
        ("POST", f"{base}/code", {}),
        ("POST", f"{base}/archive", {}),
        ("POST", f"{base}/students/{sid}/remove", {}),
        ("GET", f"{base}/students/{sid}/reset", {}),
        ("POST", f"{base}/students/{sid}/reset", {}),
        ("GET", f"{base}/students/{sid}/reset/code", {}),
        ("POST", f"{base}/assignments/{aid}/delete", {}),
    ]


def _snapshot(w: World) -> tuple[object, ...]:
    db.session.expire_all()
    school_class = db.session.get(SchoolClass, w.school_class.id)
    assert school_class is not None
    student = db.session.get(User, w.student.id)
    assert student is not None
    return (school_class.join_code, school_class.archived_at,
            db.session.scalar(select(func.count(ClassMember.id))),
            db.session.scalar(select(func.count(Assignment.id))),
            db.session.scalar(select(func.count(User.id))), student.password_hash)


def test_every_teacher_route_is_covered_by_the_authorization_tests(app: Flask,
                                                                  world: World) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith(("lms.classes.", "lms.resets."))
                 and rule.rule.startswith("/teach/")}
    tested = set()
    adapter = app.url_map.bind("localhost")
    for method, path, _ in teacher_routes(world):
        tested.add(adapter.match(path, method=method)[0])
    assert endpoints - tested == {"lms.classes.index", "lms.classes.create"}


def test_another_teacher_gets_404_on_every_route_and_changes_nothing(
        world: World, client_for: Login) -> None:
    before = _snapshot(world)
    client = client_for(world.other_teacher)
    for method, path, data in teacher_routes(world):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 404, (method, path, response.status_code)
    assert _snapshot(world) == before
    listing = client.get("/teach/classes/")
    assert listing.status_code == 200 and CLASS_NAME not in listing.text


def test_a_student_gets_403_on_every_teacher_route_and_changes_nothing(
        world: World, client_for: Login) -> None:
    before = _snapshot(world)
    client = client_for(world.student)
    routes = [*teacher_routes(world), ("GET", "/teach/classes/", {}),
              ("GET", "/teach/classes/new", {}), ("POST", "/teach/classes/new", {"name": "x"})]
    for method, path, data in routes:
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, (method, path, response.status_code)
    assert _snapshot(world) == before


def test_anonymous_visitors_are_sent_to_log_in(world: World, client: FlaskClient) -> None:
    for method, path, data in teacher_routes(world):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 302 and "/account/login" in response.location


def test_admin_sees_any_class(world: World, make_user: Callable[..., User],
                              client_for: Login) -> None:
    client = client_for(make_user("admin"))
    assert client.get(f"/teach/classes/{world.school_class.id}/").status_code == 200
    assert client.get(f"/teach/classes/{world.school_class.id}/export.csv").status_code == 200


def test_unknown_ids_are_404_not_500(world: World, client_for: Login) -> None:
    client = client_for(world.teacher)
    base = f"/teach/classes/{world.school_class.id}"
    for path in ("/teach/classes/999999/", f"{base}/students/{world.outsider.id}/",
                 f"{base}/modules/999999/", f"{base}/students/999999/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}/assignments/999999/delete").status_code == 404
    assert client.post(f"{base}/students/{world.outsider.id}/remove").status_code == 404


def test_teacher_creates_a_class_and_sees_code_and_link(
        make_user: Callable[..., User], client_for: Login, synced: None) -> None:
    client = client_for(make_user("teacher"))
    page = client.get("/teach/classes/new")
    assert page.status_code == 200 and "Sample course" in page.text
    assert client.post("/teach/classes/new", data={"name": "  ", "course": ""}
                       ).status_code == 200  # blank name: form error, not a class
    assert client.post("/teach/classes/new", data={"name": "x", "course": "99999"}
                       ).status_code == 200  # not a course on offer
    assert db.session.scalar(select(func.count(SchoolClass.id))) == 0
    response = client.post("/teach/classes/new", data={"name": "4A Geografia", "course": ""},
                           follow_redirects=True)
    school_class = db.session.scalar(select(SchoolClass))
    assert school_class is not None and school_class.name == "4A Geografia"
    assert f"/join/{school_class.join_code}" in response.text
    assert "My classes" in response.text  # the nav link for teachers
    assert "4A Geografia" in client.get("/teach/classes/").text


def test_student_joins_by_code_and_by_link(world: World, client_for: Login) -> None:
    client = client_for(world.outsider)
    assert "Join a class" in client.get("/courses/").text  # the nav link for students
    code = world.school_class.join_code
    spaced = f" {code[:3].lower()} {code[3:].lower()} "
    response = client.post("/join", data={"code": spaced}, follow_redirects=True)
    assert f"Welcome to {CLASS_NAME}" in response.text
    again = client.post("/join", data={"code": code}, follow_redirects=True)
    assert f"already in the class {CLASS_NAME}" in again.text
    assert db.session.scalar(select(func.count(ClassMember.id)).where(
        ClassMember.user_id == world.outsider.id)) == 1
    link = client.get(f"/join/{code}")
    assert link.status_code == 200 and CLASS_NAME in link.text
    assert world.teacher.display_name in link.text


@pytest.mark.parametrize("code", ["", "ZZZZZZ", "abc", "<script>", "K0000O", "x" * 300])
def test_invalid_codes_get_a_clear_message(world: World, client_for: Login, code: str) -> None:
    client = client_for(world.outsider)
    response = client.post("/join", data={"code": code})
    assert response.status_code == 200
    assert "No class has this code" in response.text or "required" in response.text or (
        "longer" in response.text or "Field" in response.text)
    assert client.get(f"/join/{code or 'x'}").status_code == 200
    assert db.session.scalar(select(func.count(ClassMember.id))) == 1


def test_archived_class_cannot_be_joined_and_regenerated_code_replaces_old(
        world: World, client_for: Login) -> None:
    teacher = client_for(world.teacher)
    old = world.school_class.join_code
    teacher.post(f"/teach/classes/{world.school_class.id}/code")
    db.session.expire_all()
    new = db.session.get(SchoolClass, world.school_class.id).join_code
    assert new != old
    student = client_for(world.outsider)
    assert "No class has this code" in student.post("/join", data={"code": old}).text
    teacher.post(f"/teach/classes/{world.school_class.id}/archive")
    response = student.post("/join", data={"code": new})
    assert "is closed" in response.text
    assert "is closed" in student.get(f"/join/{new}").text
    assert db.session.scalar(select(func.count(ClassMember.id))) == 1
    teacher.post(f"/teach/classes/{world.school_class.id}/archive")  # reopen
    assert "Welcome" in student.post("/join", data={"code": new}, follow_redirects=True).text


def test_teacher_cannot_join_own_class(world: World, client_for: Login) -> None:
    client = client_for(world.teacher)
    response = client.post("/join", data={"code": world.school_class.join_code})
    assert f"You teach {CLASS_NAME}" in response.text


def test_teacher_removes_a_student(world: World, client_for: Login) -> None:
    client = client_for(world.teacher)
    client.post(f"/teach/classes/{world.school_class.id}/students/{world.student.id}/remove")
    assert db.session.scalar(select(func.count(ClassMember.id))) == 0
    assert db.session.get(User, world.student.id) is not None


def _cards_pdf(html: str) -> bytes:
    match = re.search(r'href="data:application/pdf;base64,([^"]+)"', html)
    assert match, "no login-card link"
    return base64.b64decode(match.group(1))


def test_batch_creates_emailless_accounts_that_can_log_in(world: World, client_for: Login,
                                                         app: Flask) -> None:
    client = client_for(world.teacher)
    response = client.post(f"/teach/classes/{world.school_class.id}/accounts",
                           data={"names": "Amina Khalil\nAmina Kante\n\nZoë Müller\n"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    rows = re.findall(r"<code>([a-z0-9.]+)</code></td><td><code>([a-z0-9-]+)</code>",
                      response.text)
    assert [u for u, _ in rows] == ["amina.k", "amina.k2", "zoe.m"]
    users = db.session.scalars(select(User).where(User.username.in_(["amina.k", "zoe.m"]))).all()
    assert all(u.email is None and u.created_by_id == world.teacher.id for u in users)
    assert all(password not in u.password_hash for u in users for _, password in rows)
    pdf = _cards_pdf(response.text)
    assert pdf.startswith(b"%PDF")
    # A printed account works: log in with it and see the assignment on the home page.
    username, password = rows[2]
    kid = app.test_client()
    assert kid.post("/account/login", data={"login": username, "password": password}
                    ).status_code == 302
    home = kid.get("/courses/").text
    assert "My assignments" in home and "Due this week" not in home and "To do" in home


@pytest.mark.parametrize(("names", "message"), [
    ("Amina\nAMINA", "repeats"),
    ("Amina\n---", "has no letters"),
    ("\n \n", "at least one name"),
    ("x" * 121, "longer than 120"),
    ("\n".join(f"Kid {i}" for i in range(101)), "At most 100 names"),
])
def test_bad_batches_create_nothing(world: World, client_for: Login, names: str,
                                    message: str) -> None:
    before = db.session.scalar(select(func.count(User.id)))
    client = client_for(world.teacher)
    response = client.post(f"/teach/classes/{world.school_class.id}/accounts",
                           data={"names": names})
    assert response.status_code == 200
    assert message in response.text.replace("&#34;", '"')
    assert db.session.scalar(select(func.count(User.id))) == before


def test_batch_is_all_or_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = services.hash_password

    def failing(password: str) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(password)

    monkeypatch.setattr(services, "hash_password", failing)
    before = db.session.scalar(select(func.count(User.id)))
    with pytest.raises(RuntimeError):
        services.create_student_accounts(world.school_class.id, world.teacher.id,
                                         ["One Kid", "Two Kid", "Three Kid"], now=utcnow())
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == before


def test_login_cards_pdf_has_every_card_and_fetches_only_static(world: World,
                                                               app: Flask) -> None:
    from lms.classes.cards import render_login_cards, static_fetcher

    accounts = [services.NewAccount(i, f"Kid {i}", f"kid.{i}", f"pass{i}-word")
                for i in range(10)]
    with app.test_request_context():
        pdf = render_login_cards(accounts, class_name="3B <b>", site_url="https://x/login",
                                 site_name="LMS")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils: check the text and the page count
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, check=True,
                              capture_output=True).stdout.decode()
        assert all(f"kid.{i}" in text and f"pass{i}-word" in text for i in range(10))
        assert "Class: 3B <b>" in text and "https://x/login" in text
        assert text.count("\f") == 2  # ten cards, eight per page
    fetcher = static_fetcher()
    assert fetcher.fetch("https://lms-static.invalid/static/lms/cards.css").read()
    for url in ("file:///etc/passwd", "https://example.org/x.css",
                "https://lms-static.invalid/static/../../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_assignments_and_their_bad_input(world: World, client_for: Login) -> None:
    client = client_for(world.teacher)
    url = f"/teach/classes/{world.school_class.id}/assign"
    page = client.get(url)
    assert page.status_code == 200 and "Whole course: Sample course" in page.text
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    response = client.post(url, data={"target": f"c{world.course.id}", "due_date": yesterday})
    assert "The due date is in the past" in response.text
    for target in ("c999999", f"m{world.course.id}-999999", "nonsense", ""):
        response = client.post(url, data={"target": target, "due_date": ""})
        assert response.status_code == 200 and "error-summary" in response.text, target
    response = client.post(url, data={"target": f"c{world.course.id}", "due_date": "31/02/2026"})
    assert response.status_code == 200 and "error-summary" in response.text
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
    later = (date.today() + timedelta(days=20)).isoformat()
    client.post(url, data={"target": f"c{world.course.id}", "due_date": later})
    assert db.session.scalar(select(func.count(Assignment.id))) == 2
    # Assigning the same module again only moves its due date.
    client.post(url, data={"target": f"m{world.course.id}-{world.modules[0].id}",
                           "due_date": later})
    assert db.session.scalar(select(func.count(Assignment.id))) == 2


def test_withdrawn_course_or_module_cannot_be_assigned(world: World) -> None:
    world.modules[1].available = False
    db.session.commit()
    with pytest.raises(services.ClassError) as error:
        services.assign(world.school_class.id, world.course.id, world.modules[1].id, None,
                        now=utcnow())
    assert error.value.reason == "unknown_module"
    world.course.available = False
    db.session.commit()
    with pytest.raises(services.ClassError) as error:
        services.assign(world.school_class.id, world.course.id, None, None, now=utcnow())
    assert error.value.reason == "unknown_course"
    with pytest.raises(services.ClassError) as error:
        services.assign(world.school_class.id, world.course.id, None,
                        utcnow() - timedelta(hours=1), now=utcnow())
    assert error.value.reason == "past_due"


def test_student_home_lists_assignments_by_status(world: World, client_for: Login) -> None:
    # Module 1 due in ten days (to do); module 2 due tomorrow (due this week, under the class's
    # name); then overdue; then done.
    services.assign(world.school_class.id, world.course.id, world.modules[1].id,
                    utcnow() + timedelta(days=1), now=utcnow())
    client = client_for(world.student)
    home = client.get("/courses/").text
    section = home.split('id="assignments-heading"')[1].split("</section>")[0]
    assert section.index("Due this week") < section.index("To do")
    assert section.index("Due this week") < section.index('<h4 class="class-group"><bdi>'
                                                          + CLASS_NAME)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.module_id == world.modules[1].id))
    assignment.due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "Overdue" in client.get("/courses/").text.split('id="assignments-heading"')[1]
    for item in db.session.scalars(select(Item).where(Item.module_id == world.modules[0].id)):
        mark_item_complete(world.student.id, item.id, now=utcnow())
    section = client.get("/courses/").text.split('id="assignments-heading"')[1]
    assert "Done (1)" in section and "To do" not in section.split("</section>")[0]


def test_archived_class_assignments_are_hidden_from_students(world: World,
                                                            client_for: Login) -> None:
    services.set_archived(world.school_class.id, True, now=utcnow())
    assert "My assignments" not in client_for(world.student).get("/courses/").text


def test_student_detail_in_arabic_isolates_english_titles_and_dates(
        world: World, client_for: Login) -> None:
    """"Completed lessons": an English title next to an Arabic date stays in one piece
    (it came out as "2026/11/Follow the money · The basics · 25")."""
    from lms.auth.services import set_user_language

    set_user_language(world.teacher.id, "ar")
    lesson = db.session.scalar(select(Item).where(Item.slug == "first-lesson"))
    mark_item_complete(world.student.id, lesson.id, now=utcnow())
    page = client_for(world.teacher).get(
        f"/teach/classes/{world.school_class.id}/students/{world.student.id}/").text
    assert '<html lang="ar" dir="rtl">' in page
    assert ('<li><bdi>Follow the money</bdi> <span class="meta">· <bdi>The basics</bdi> · '
            '<span dir="rtl">') in page
    assert '<th scope="row"><bdi>The basics</bdi></th>' in page
