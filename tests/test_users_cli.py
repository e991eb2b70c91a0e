"""`lms users list | set-password | set-role | deactivate | activate`, and what they change."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient, FlaskCliRunner

from lms.auth.models import User
from lms.db import db


def test_list_shows_a_table_of_accounts(runner: FlaskCliRunner,
                                        make_user: Callable[..., User]) -> None:
    make_user(role="teacher", username="tina", email="tina@example.org")
    make_user(username="sam")
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["username", "role", "email", "active", "created"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["tina"][1:4] == ["teacher", "tina@example.org", "yes"]
    assert rows["sam"][1:4] == ["student", "-", "yes"]


def test_set_password_asks_twice_and_ends_other_sessions(
        runner: FlaskCliRunner, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    user = make_user(username="sam")
    login(user)
    assert client.get("/account/").status_code == 200
    result = runner.invoke(args=["users", "set-password", "Sam"],
                           input="a-new-password\na-new-password\n")
    assert result.exit_code == 0, result.output
    assert "password changed for sam" in result.output
    assert client.get("/account/").status_code == 302  # the old session ended
    login(user, "a-new-password")


def test_set_password_from_stdin_and_refusals(runner: FlaskCliRunner,
                                              make_user: Callable[..., User]) -> None:
    make_user(username="sam")
    result = runner.invoke(args=["users", "set-password", "sam", "--password-stdin"],
                           input="from-a-script\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "set-password", "sam", "--password-stdin"],
                           input="short\n")
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    result = runner.invoke(args=["users", "set-password", "nobody", "--password-stdin"],
                           input="long-enough\n")
    assert result.exit_code == 1 and "no account 'nobody'" in result.output


def test_set_role(runner: FlaskCliRunner, make_user: Callable[..., User]) -> None:
    user = make_user(username="sam")
    result = runner.invoke(args=["users", "set-role", "sam", "Teacher"])
    assert result.exit_code == 0 and "sam is now teacher" in result.output
    db.session.refresh(user)
    assert user.role == "teacher"
    result = runner.invoke(args=["users", "set-role", "sam", "wizard"])
    assert result.exit_code == 1
    assert "unknown role 'wizard' (choose from student, teacher, trainer, admin)" in result.output
    result = runner.invoke(args=["users", "set-role", "nobody", "admin"])
    assert result.exit_code == 1 and "no account 'nobody'" in result.output


def test_the_last_admin_keeps_the_role_and_stays_active(
        runner: FlaskCliRunner, make_user: Callable[..., User]) -> None:
    make_user(role="admin", username="ada")
    for args in (["set-role", "ada", "student"], ["deactivate", "ada"]):
        result = runner.invoke(args=["users", *args])
        assert result.exit_code == 1 and "ada is the last active administrator" in result.output
    make_user(role="admin", username="bea")
    assert runner.invoke(args=["users", "deactivate", "ada"]).exit_code == 0


def test_deactivated_accounts_cannot_log_in_and_their_sessions_end(
        runner: FlaskCliRunner, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    user = make_user(username="sam")
    login(user)
    result = runner.invoke(args=["users", "deactivate", "sam"])
    assert result.exit_code == 0 and "sam is deactivated" in result.output
    assert client.get("/account/").status_code == 302  # the open session ended
    response = client.post("/account/login", data={"login": "sam", "password": "password123"})
    assert response.status_code == 200
    assert "This account is deactivated" in response.text
    # A wrong password says nothing about the account's state.
    response = client.post("/account/login", data={"login": "sam", "password": "wrong-one"})
    assert "Wrong username or password" in response.text
    assert "deactivated" not in response.text
    listed = runner.invoke(args=["users", "list"]).output
    assert [line.split()[3] for line in listed.splitlines() if line.startswith("sam ")] == ["no"]

    result = runner.invoke(args=["users", "activate", "sam"])
    assert result.exit_code == 0 and "sam is active" in result.output
    login(user)
    assert client.get("/account/").status_code == 200


def test_unknown_users_are_an_error(runner: FlaskCliRunner) -> None:
    for command in ("deactivate", "activate"):
        result = runner.invoke(args=["users", command, "nobody"])
        assert result.exit_code == 1 and "no account 'nobody'" in result.output
