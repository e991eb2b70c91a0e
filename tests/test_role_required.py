"""One way to protect a page: ``lms.security.role_required`` (and Flask-Login's own redirect
for visitors, with its translated message and the way back)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

LESSON = "/courses/sample-course/basics/first-lesson/"
LMS_DIR = Path(__file__).resolve().parent.parent / "lms"


def test_role_required_needs_a_role() -> None:
    from lms.security import role_required

    with pytest.raises(TypeError, match="login_required"):
        role_required()


def test_visitors_go_to_login_with_flask_logins_translated_message(
        client: FlaskClient) -> None:
    for url in ("/author/", "/admin/users/", "/teach/accounts/", "/admin/certificates/"):
        response = client.get(url, headers={"Accept-Language": "it"})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/account/login?next=%2F"), url
    page = client.get(response.headers["Location"], headers={"Accept-Language": "it"})
    assert "Accedi per vedere questa pagina." in page.text


def test_a_lesson_completed_after_logging_in_comes_back_to_the_lesson(
        client: FlaskClient, synced: None, make_user: Callable, login: Callable) -> None:
    """A button-only POST sent by a visitor (the session ran out) goes to the login page; the
    way back is a GET of the same address, which shows the page with the button, not a 405."""
    complete = LESSON + "complete"
    response = client.post(complete)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")
    login(make_user())
    back = client.get(complete)
    assert back.status_code == 302 and back.headers["Location"] == LESSON
    moved = client.get("/courses/sample-course/move-to-latest")
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/courses/sample-course/"


def test_users_without_the_role_get_403(app: Flask, client: FlaskClient,
                                        make_user: Callable, login: Callable) -> None:
    login(make_user(role="trainer"))
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/teach/accounts/").status_code == 403
    assert client.get("/author/").status_code == 200


def test_views_check_roles_only_through_role_required() -> None:
    """No view writes its own login redirect or role check: ``redirect(url_for("lms.auth.
    login", next=…))`` and ``if not current_user.has_role(…): abort(403)`` are gone."""
    found = []
    for path in sorted(LMS_DIR.rglob("*.py")):
        if path.name == "security.py" and path.parent == LMS_DIR:
            continue  # the rule itself
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "url_for" and any(
                    keyword.arg == "next" for keyword in node.keywords) and (
                    node.args and ast.unparse(node.args[0]) == "'lms.auth.login'"):
                found.append(f"{path.relative_to(LMS_DIR)}:{node.lineno}: login redirect")
            if isinstance(node, ast.If) and len(node.body) == 1 and (
                    ast.unparse(node.body[0]) == "abort(403)"):
                test = ast.unparse(node.test)
                if test.startswith("not current_user.has_role(") or (
                        test.startswith("current_user.role !=")):
                    found.append(f"{path.relative_to(LMS_DIR)}:{node.lineno}: {test}")
    assert not found, "\n".join(found)
