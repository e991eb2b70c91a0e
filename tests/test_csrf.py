"""Every state-changing route refuses a request without a CSRF token.

The rules are enumerated from the URL map (POST, PUT, PATCH, DELETE), so a new form is
covered the day it is added. Each is posted, with CSRF protection on, by a logged-in user
whose role may use it (taken from the authorization matrix) and with plausible form fields,
but no token. The answer must be 400 (403 from views that fold the form check into the permission
check), or the form again (200) or a redirect back (302) with
nothing written: every row of every table is compared before and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_test_app
from flask import Flask, url_for
from security_world import (
    ROLES,
    build_world,
    clear_database,
    login_client_with_csrf,
    snapshot,
)
from test_authorization_matrix import LOGIN, MATRIX

from lms.db import db

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Roles tried first: the owner of the records, then those who manage them.
PREFERENCE = ("student", "teacher", "admin", "anonymous")
#: POSTs that only read: verifying an Open Badge takes a credential posted by any program
#: (curl, a wallet), so it has no token to ask for; it may answer 200, but must write nothing.
READ_ONLY_POSTS = {"lms.badges.verify"}


@pytest.fixture
def csrf_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The test app's database, served by an app with CSRF protection on."""
    protected = make_test_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with protected.app_context():
        yield protected
        db.session.remove()
        db.engine.dispose()  # its own pool: close the connections, or their __del__ warns later


def allowed_role(endpoint: str) -> str:
    expected = MATRIX[endpoint][1]
    for role in PREFERENCE + ROLES:
        if expected[role] not in (403, 404, 405, LOGIN):
            return role
    raise AssertionError(f"{endpoint}: no role may use it, so CSRF cannot be checked")


def form_fields(world: object) -> dict[str, str]:
    """Fields most of our forms take: without the token, none of them may be acted on."""
    return {"password": "password123", "username": "sam", "login": "sam",
            "display_name": "Changed", "name": "Changed", "language": "it",
            "code": getattr(world, "join_code", ""), "reason": "csrf test",
            "names": "Ana Bell\nCarl Dunn", "email": "x@example.org", "confirm": "password123",
            "printed_name": "Changed", "target": "", "q1": "o1"}


def test_every_state_changing_route_needs_a_token(csrf_app: Flask) -> None:
    assert csrf_app.config["WTF_CSRF_ENABLED"]
    rules = sorted((rule for rule in csrf_app.url_map.iter_rules()
                    if rule.methods and rule.methods & STATE_CHANGING),
                   key=lambda rule: rule.endpoint)
    assert len(rules) > 10
    failures = []
    for rule in rules:
        if rule.endpoint not in MATRIX:
            failures.append(f"{rule.endpoint}: no entry in the authorization matrix, so it "
                            "cannot be checked here")
            continue
        clear_database()
        world = build_world(csrf_app)
        role = allowed_role(rule.endpoint)
        client = login_client_with_csrf(csrf_app, role)
        with csrf_app.test_request_context():
            url = url_for(rule.endpoint, **MATRIX[rule.endpoint][0](world))
        before = snapshot()
        for method in sorted(rule.methods & STATE_CHANGING):
            with client.open(url, method=method, data=form_fields(world)) as response:
                status, text = response.status_code, response.get_data(as_text=True)
            written = snapshot() != before
            # 403: a few views answer a failed form check as a refusal; 410: a request found by
            # a one-time token that is unknown (the LTI picker; tests/test_lti_journey.py
            # checks its token); still nothing written.
            if status in (400, 403, 410) and not written:
                continue
            if status in (200, 302) and not written:
                if status == 200 and "expired" not in text and rule.endpoint not in READ_ONLY_POSTS:
                    failures.append(f"{method} {url} ({rule.endpoint}) as {role}: 200 "
                                    "without the CSRF error")
                continue
            after = snapshot()
            changed = sorted(name for name in after if after[name] != before.get(name))
            failures.append(f"{method} {url} ({rule.endpoint}) as {role}: {status}"
                            + (f", and the database changed ({changed})" if written else ""))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", ["lms.auth.account", "lms.privacy.delete_own",
                                      "lms.classes.archive", "lms.classes.regenerate_code"])
def test_the_same_request_with_csrf_off_does_write(app: Flask, endpoint: str) -> None:
    """The probe is a real one: without CSRF protection these very posts change rows."""
    world = build_world(app)
    role = allowed_role(endpoint)
    client = login_client_with_csrf(app, role)
    with app.test_request_context():
        url = url_for(endpoint, **MATRIX[endpoint][0](world))
    before = snapshot()
    with client.post(url, data=form_fields(world)) as response:
        assert response.status_code in (200, 302)
    assert snapshot() != before
