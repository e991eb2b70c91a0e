"""Admin pages: create an account with a one-time code, change roles, deactivate and
reactivate, every action in the admin log; the last administrator stays."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.admin.models import AdminAction
from lms.auth.models import User
from lms.db import db

NEW_TEACHER = {"display_name": "Giulia Verdi", "username": "gverdi", "role": "teacher",
               "email": ""}


def test_an_admin_creates_a_teacher_who_logs_in_with_the_code(
    app: Flask, client: FlaskClient, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    admin = make_user("admin")
    login(admin)
    response = client.post("/admin/users/new", data=NEW_TEACHER)
    assert response.status_code == 303
    page = client.get(response.location)
    assert "This code is shown only now" in page.text
    code = re.search(r'<code class="join-code">([A-Z0-9-]+)</code>', page.text)
    assert code, page.text
    assert "This code is shown only now" not in client.get(response.location).text  # once
    teacher = app.test_client()
    logged = teacher.post("/account/login", data={"login": "gverdi",
                                                  "password": code.group(1)})
    assert logged.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "gverdi"))
    assert user is not None and user.role == "teacher"
    log_page = client.get("/admin/log/").text
    assert "created the account (Teacher)" in log_page and admin.username in log_page


def test_create_mistakes_are_form_errors(client: FlaskClient, make_user: Callable[..., User],
                                        login: Callable[[User], None]) -> None:
    login(make_user("admin"))
    make_user(username="taken", email="taken@example.org")
    assert "This username is taken" in client.post(
        "/admin/users/new", data={**NEW_TEACHER, "username": "taken"}).text
    assert "Another account already uses this address" in client.post(
        "/admin/users/new", data={**NEW_TEACHER, "email": "taken@example.org"}).text
    assert "Not a valid choice" in client.post(
        "/admin/users/new", data={**NEW_TEACHER, "role": "emperor"}).text
    assert db.session.scalar(select(User.id).where(User.username == "gverdi")) is None


def test_role_changes_and_deactivation_are_logged(
    app: Flask, client: FlaskClient, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    admin = make_user("admin")
    target = make_user(username="piero")
    login(admin)
    assert client.get(f"/admin/users/{target.id}/role").status_code == 200
    client.post(f"/admin/users/{target.id}/role", data={"role": "trainer"})
    db.session.refresh(target)
    assert target.role == "trainer"
    confirm = client.get(f"/admin/users/{target.id}/active")
    assert "Deactivate the account of" in confirm.text
    client.post(f"/admin/users/{target.id}/active", data={})
    db.session.refresh(target)
    assert not target.active
    refused = app.test_client().post("/account/login", data={"login": "piero",
                                                               "password": "password123"})
    assert "This account is deactivated" in refused.text
    client.post(f"/admin/users/{target.id}/active", data={})
    db.session.refresh(target)
    assert target.active
    actions = [(a.action, a.actor_id, a.target_id, a.detail) for a in db.session.scalars(
        select(AdminAction).order_by(AdminAction.id))]
    assert actions == [("role", admin.id, target.id, "trainer"),
                       ("deactivated", admin.id, target.id, ""),
                       ("activated", admin.id, target.id, "")]
    page = client.get("/admin/log/").text
    assert "changed the role to Trainer" in page and "reactivated the account" in page


def test_the_last_admin_cannot_be_demoted_or_deactivated(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    admin = make_user("admin")
    login(admin)
    demote = client.post(f"/admin/users/{admin.id}/role", data={"role": "teacher"})
    assert "This is the only active administrator" in demote.text
    off = client.post(f"/admin/users/{admin.id}/active", data={})
    assert off.status_code == 409 and "This is the only active administrator" in off.text
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active
    assert db.session.scalar(select(AdminAction.id)) is None  # nothing half-written


def test_the_command_line_is_logged_too(runner, make_user: Callable[..., User]) -> None:
    user = make_user(username="cli-target")
    result = runner.invoke(args=["users", "set-role", "cli-target", "teacher"])
    assert result.exit_code == 0, result.output
    action = db.session.scalar(select(AdminAction))
    assert action is not None and action.actor_id is None and action.target_id == user.id


def test_admin_pages_are_for_admins_only(client: FlaskClient, make_user: Callable[..., User],
                                         login: Callable[[User], None]) -> None:
    login(make_user("teacher"))
    assert client.get("/admin/users/new").status_code == 403
    assert client.get("/admin/log/").status_code == 403
