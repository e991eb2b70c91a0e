"""Password resets by teachers and admins: one-time codes, who may reset whom, the records.

The take-over of issue 22 is played exactly: teacher A creates ``alice.m``, Alice joins
teacher B's class with its code, and teacher B tries to reset her password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.auth.models import User
from lms.classes import services as classes
from lms.classes.models import SchoolClass
from lms.db import db, utcnow
from lms.privacy.services import delete_account, export_user_data
from lms.resets import services
from lms.resets.models import PasswordReset

Login = Callable[..., FlaskClient]
CODE_RE = re.compile(r'<code class="join-code">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>')
NEW_PASSWORD = "a brand new secret"


@pytest.fixture
def client_for(app: Flask) -> Login:
    def make(login: str, password: str = "password123") -> FlaskClient:
        client = app.test_client()
        response = client.post("/account/login", data={"login": login, "password": password})
        assert response.status_code == 302, response.text
        return client

    return make


@dataclass
class World:
    teacher_a: User
    teacher_b: User
    admin: User
    class_a: SchoolClass
    class_b: SchoolClass
    alice_id: int
    alice_password: str


@pytest.fixture
def world(make_user: Callable[..., User]) -> World:
    teacher_a = make_user("teacher", display_name="Anna Teacher")
    teacher_b = make_user("teacher", display_name="Bruno Teacher")
    admin = make_user("admin")
    class_a = classes.create_class(teacher_a.id, "Class A", None, now=utcnow())
    class_b = classes.create_class(teacher_b.id, "Class B", None, now=utcnow())
    alice = classes.create_student_accounts(class_a.id, teacher_a.id, ["Alice Martini"],
                                            now=utcnow())[0]
    assert alice.username == "alice.m"
    classes.join_class(alice.user_id, class_b.join_code, now=utcnow())
    return World(teacher_a, teacher_b, admin, class_a, class_b, alice.user_id, alice.password)


def reset_url(school_class: SchoolClass, user_id: int, suffix: str = "") -> str:
    return f"/teach/classes/{school_class.id}/students/{user_id}/reset{suffix}"


def _state(user_id: int) -> tuple[object, ...]:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user.password_hash, db.session.scalar(select(func.count(PasswordReset.id)))


def make_code(client: FlaskClient, confirm_url: str) -> str:
    """Confirm a reset and read the code from the page it redirects to."""
    response = client.post(confirm_url)
    assert response.status_code == 303, response.status_code
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    match = CODE_RE.search(page.text)
    assert match, page.text
    return match.group(1)


def log_in(app: Flask, login: str, secret: str) -> tuple[FlaskClient, object]:
    client = app.test_client()
    return client, client.post("/account/login", data={"login": login, "password": secret})


# -- the take-over of issue 22 ---------------------------------------------------------------


def test_another_teacher_cannot_take_over_a_student_who_joined_their_class(
        world: World, client_for: Login, app: Flask) -> None:
    before = _state(world.alice_id)
    teacher_b = client_for(world.teacher_b.username)
    for method, url in [("GET", reset_url(world.class_b, world.alice_id)),
                        ("POST", reset_url(world.class_b, world.alice_id)),
                        ("GET", reset_url(world.class_b, world.alice_id, "/code"))]:
        response = teacher_b.open(url, method=method)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "This account was created by Anna Teacher" in response.text
        assert not CODE_RE.search(response.text)
    # The old one-click route is gone.
    old = teacher_b.post(f"/teach/classes/{world.class_b.id}/students/{world.alice_id}/password")
    assert old.status_code in (404, 405)
    # Through teacher A's class B gets 404 (not their class), and admin pages 403.
    assert teacher_b.post(reset_url(world.class_a, world.alice_id)).status_code == 404
    assert teacher_b.post(f"/admin/users/{world.alice_id}/reset").status_code == 403
    # Her row in class B says who can reset her, instead of offering a button.
    members = teacher_b.get(f"/teach/classes/{world.class_b.id}/students/").text
    assert "Reset by Anna Teacher or an admin" in members
    assert reset_url(world.class_b, world.alice_id) not in members
    assert _state(world.alice_id) == before
    _, login = log_in(app, "alice.m", world.alice_password)
    assert login.status_code == 302  # her card from teacher A still works


# -- allowed resets and the code -------------------------------------------------------------


def test_creator_resets_with_a_code_shown_once_and_the_student_chooses_a_password(
        world: World, client_for: Login, app: Flask) -> None:
    teacher_a = client_for(world.teacher_a.username)
    confirm = teacher_a.get(reset_url(world.class_a, world.alice_id))
    assert confirm.status_code == 200 and "Make a one-time code" in confirm.text
    assert _state(world.alice_id)[1] == 0  # the confirmation page changes nothing
    code = make_code(teacher_a, reset_url(world.class_a, world.alice_id))
    reset = db.session.scalar(select(PasswordReset))
    assert reset is not None and reset.reset_by_id == world.teacher_a.id
    assert reset.code_hash and code not in reset.code_hash and code.replace("-", "") not in (
        reset.code_hash)
    assert reset.expires_at - reset.created_at == timedelta(days=7)
    # Reloading the code page shows nothing and makes no new code.
    again = teacher_a.get(reset_url(world.class_a, world.alice_id, "/code"))
    assert again.status_code == 200 and not CODE_RE.search(again.text)
    assert "shown once" in again.text
    assert _state(world.alice_id)[1] == 1
    # Until the code is used, the old password keeps working.
    assert log_in(app, "alice.m", world.alice_password)[1].status_code == 302

    alice, response = log_in(app, "alice.m", code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/new-password")
    # Nothing else until a new password is chosen.
    for path in ("/courses/", "/account/", "/join", "/certificates/"):
        blocked = alice.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"].endswith("/account/new-password"), path
    page = alice.get("/account/new-password")
    assert page.status_code == 200 and "Choose your new password" in page.text
    mismatch = alice.post("/account/new-password", data={"password": NEW_PASSWORD,
                                                         "confirm": "something else"})
    assert mismatch.status_code == 200 and "The passwords differ." in mismatch.text
    saved = alice.post("/account/new-password", data={"password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/courses/")
    assert alice.get("/courses/").status_code == 200  # this session goes on
    assert alice.get("/account/new-password").status_code == 302  # nothing more to choose
    assert log_in(app, "alice.m", NEW_PASSWORD)[1].status_code == 302
    assert log_in(app, "alice.m", world.alice_password)[1].status_code == 200
    used = log_in(app, "alice.m", code)[1]
    assert used.status_code == 200 and "already used" in used.text


def test_a_code_session_can_log_out_and_leaves_nothing_behind(world: World, client_for: Login,
                                                              app: Flask) -> None:
    code = make_code(client_for(world.teacher_a.username),
                     reset_url(world.class_a, world.alice_id))
    alice, _ = log_in(app, "alice.m", code)
    assert alice.post("/account/logout").status_code == 302
    assert alice.get("/courses/").status_code == 200  # logged out, not stuck
    # The code was used up by that login: the old password still works.
    assert log_in(app, "alice.m", code)[1].status_code == 200
    assert log_in(app, "alice.m", world.alice_password)[1].status_code == 302


def test_self_registered_emailless_member_of_an_active_class(
        world: World, client_for: Login, make_user: Callable[..., User], app: Flask) -> None:
    bob = make_user("student", username="bob.self")
    classes.join_class(bob.id, world.class_b.join_code, now=utcnow())
    teacher_b = client_for(world.teacher_b.username)
    code = make_code(teacher_b, reset_url(world.class_b, bob.id))
    assert log_in(app, "bob.self", code)[1].status_code == 302
    # An archived class gives no such right.
    classes.set_archived(world.class_b.id, True, now=utcnow())
    refused = teacher_b.post(reset_url(world.class_b, bob.id))
    assert refused.status_code == 403 and "active classes" in refused.text


def test_students_with_an_email_use_the_email_reset(
        world: World, client_for: Login, make_user: Callable[..., User]) -> None:
    carla = make_user("student", username="carla", email="carla@example.org",
                      display_name="Carla Email")
    classes.join_class(carla.id, world.class_b.join_code, now=utcnow())
    teacher_b = client_for(world.teacher_b.username)
    members = teacher_b.get(f"/teach/classes/{world.class_b.id}/students/").text
    assert "Resets by email" in members
    refused = teacher_b.post(reset_url(world.class_b, carla.id))
    assert refused.status_code == 403 and "Forgot your password?" in refused.text
    assert db.session.scalar(select(func.count(PasswordReset.id))) == 0


def test_expired_code_is_refused_with_a_clear_message(world: World, app: Flask) -> None:
    issued = services.issue_code(world.teacher_a.id, world.alice_id,
                                 now=utcnow() - timedelta(days=8))
    client, response = log_in(app, "alice.m", issued.code)
    assert response.status_code == 200 and "has expired" in response.text
    assert client.get("/account/").status_code == 302  # not logged in
    assert "/account/login" in client.get("/account/").headers["Location"]


def test_a_newer_code_replaces_the_older_and_a_code_is_used_once(world: World) -> None:
    first = services.issue_code(world.teacher_a.id, world.alice_id, now=utcnow())
    second = services.issue_code(world.admin.id, world.alice_id, now=utcnow())
    assert services.redeem_code("alice.m", first.code, now=utcnow()) == services.Redemption()
    assert services.redeem_code("alice.m", second.code, now=utcnow()).user is not None
    assert services.redeem_code("alice.m", second.code, now=utcnow()).problem == "used"
    assert services.normalise_code("not a code") is None


# -- admins ----------------------------------------------------------------------------------


def test_admin_resets_anyone_and_sees_every_reset(
        world: World, client_for: Login, make_user: Callable[..., User], app: Flask) -> None:
    carla = make_user("student", username="carla", email="carla@example.org")
    admin = client_for(world.admin.username)
    users = admin.get("/admin/users/").text
    assert f"/admin/users/{carla.id}/reset" in users and "/admin/resets/" in users
    for target in (world.alice_id, carla.id, world.teacher_b.id):
        code = make_code(admin, f"/admin/users/{target}/reset")
        login = db.session.get(User, target).username
        assert log_in(app, login, code)[1].status_code == 302
    own = admin.get(f"/admin/users/{world.admin.id}/reset")
    assert own.status_code == 403
    services.issue_code(world.teacher_a.id, world.alice_id, now=utcnow())
    listing = admin.get("/admin/resets/")
    assert listing.status_code == 200
    assert "Anna Teacher" in listing.text and "alice.m" in listing.text
    assert "code used on" in listing.text and "code not used yet" in listing.text
    assert client_for(world.teacher_a.username).get("/admin/resets/").status_code == 403


# -- records for the other teachers, personal data, deletion ---------------------------------


def test_other_teachers_see_who_reset_the_password(world: World, client_for: Login) -> None:
    make_code(client_for(world.teacher_a.username), reset_url(world.class_a, world.alice_id))
    teacher_b = client_for(world.teacher_b.username)
    members = teacher_b.get(f"/teach/classes/{world.class_b.id}/students/").text
    assert "Password reset by <bdi>Anna Teacher</bdi> on" in members
    detail = teacher_b.get(f"/teach/classes/{world.class_b.id}/students/{world.alice_id}/").text
    assert "Password reset by <bdi>Anna Teacher</bdi> on" in detail
    assert "code not used yet" in detail


def test_personal_data_and_deletion(world: World, app: Flask) -> None:
    issued = services.issue_code(world.teacher_a.id, world.alice_id, now=utcnow())
    exported = export_user_data(world.alice_id)
    assert [r["reset_by"] for r in exported["password_resets"]] == ["Anna Teacher"]
    assert "code_hash" not in str(exported) and issued.code not in str(exported)
    made = export_user_data(world.teacher_a.id)["password_resets_made"]
    assert [r["account"] for r in made] == ["alice.m"]

    # Deleting the teacher keeps the record without saying who made it.
    delete_account(world.teacher_a.id, now=utcnow())
    reset = db.session.scalar(select(PasswordReset))
    assert reset is not None and reset.reset_by_id is None
    assert services.resets_of(world.alice_id)[0].by_name is None
    # Deleting the student deletes her code: it no longer logs in.
    delete_account(world.alice_id, now=utcnow())
    db.session.expire_all()
    assert db.session.scalar(select(PasswordReset.code_hash)) is None
    username = db.session.get(User, world.alice_id).username
    assert log_in(app, username, issued.code)[1].status_code == 200


def test_who_may_reset_whom_in_the_remaining_cases(world: World,
                                                   make_user: Callable[..., User]) -> None:
    # Once the creating teacher deleted their account, Alice is treated like a learner who
    # signed up herself: the teachers of her active classes may reset her.
    assert services.permission(world.teacher_b.id, world.alice_id).reason == "created_by_other"
    delete_account(world.teacher_a.id, now=utcnow())
    assert services.permission(world.teacher_b.id, world.alice_id).allowed
    # Only student accounts, whoever joined the class.
    trainer = make_user("trainer")
    classes.join_class(trainer.id, world.class_b.join_code, now=utcnow())
    assert services.permission(world.teacher_b.id, trainer.id).reason == "not_student"
    assert services.permission(world.admin.id, trainer.id).allowed
    # A student may reset nobody.
    assert not services.permission(world.alice_id, trainer.id).allowed
    with pytest.raises(services.ResetRefused):
        services.issue_code(world.alice_id, trainer.id, now=utcnow())
