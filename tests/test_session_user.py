"""The signed-in user is read through Core on every request (lms.auth.session_user): changes
to the account take effect on the user's next request, never later."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries

from lms.auth.models import User
from lms.auth.session_user import SessionUser, load_session_user
from lms.db import db, utcnow


def _change(user_id: int, **values: object) -> None:
    user = db.session.get(User, user_id)
    assert user is not None
    for name, value in values.items():
        setattr(user, name, value)
    db.session.commit()


def test_a_role_change_takes_effect_on_the_next_request(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    teacher = make_user(role="teacher")
    login(teacher)
    assert client.get("/teach/classes/").status_code == 200
    _change(teacher.id, role="student")
    assert client.get("/teach/classes/").status_code == 403
    _change(teacher.id, role="teacher")
    assert client.get("/teach/classes/").status_code == 200


def test_deactivation_and_deletion_end_the_session_on_the_next_request(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    user = make_user()
    login(user)
    assert client.get("/account/").status_code == 200
    _change(user.id, active=False)
    assert client.get("/account/").status_code == 302
    _change(user.id, active=True)
    login(user)
    assert client.get("/account/").status_code == 200
    _change(user.id, deleted_at=utcnow())
    assert client.get("/account/").status_code == 302


def test_a_password_change_ends_the_session_on_the_next_request(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    from lms.auth.services import hash_password

    user = make_user()
    login(user)
    assert client.get("/account/").status_code == 200
    _change(user.id, password_hash=hash_password("another password"))
    assert client.get("/account/").status_code == 302


def test_name_and_language_changes_show_on_the_next_request(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    user = make_user(username="sam")
    login(user)
    assert 'lang="en"' in client.get("/account/").text
    _change(user.id, language="it", display_name="Samuele Nuovo")
    page = client.get("/account/").text
    assert '<html lang="it"' in page and "Samuele Nuovo" in page


def test_the_loader_reads_one_row_and_builds_no_orm_user(
    app: Flask, make_user: Callable[..., User],
) -> None:
    user = make_user(role="teacher", email="t@example.org")
    session_id = user.get_id()
    db.session.expunge_all()
    with count_queries() as statements:
        loaded = load_session_user(session_id)
    assert len(statements) == 1
    assert isinstance(loaded, SessionUser)
    assert (loaded.id, loaded.username, loaded.email, loaded.role) == (
        user.id, user.username, "t@example.org", "teacher")
    assert loaded.get_id() == session_id and loaded.is_authenticated
    assert loaded.has_role("teacher") and not loaded.has_role("trainer")
    assert not db.session.identity_map  # nothing the next commit would have to expire
    assert load_session_user(f"{user.id}:wrongtoken") is None
    assert load_session_user("x:y") is None
    assert load_session_user("999999:abc") is None
