"""LTI 1.3 launches (lms.lti), driven by an independent platform implementation
(lti1p3platform, wrapped in tests/lti_platform.py) over real HTTP; the tool runs in the test
client. Each bad input of issue #19 gets a clear page, no account and nobody logged in."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient
from lti1p3platform.registration import Registration as PlatformRegistration
from sqlalchemy import func, select

from lms.auth.models import User
from lms.db import db
from lms.lti import services
from lms.lti.models import LtiIdentity, LtiRegistration
from tests.lti_platform import Platform, running_platform

TOOL = "http://localhost"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
VERSION = "https://purl.imsglobal.org/spec/lti/claim/version"


@pytest.fixture
def platform(app: Flask) -> Iterator[Platform]:
    with running_platform() as running:
        running.point_at(TOOL)
        services.create_registration(name="Test platform", **running.registration_fields())
        yield running


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def start_launch(client: FlaskClient, platform: Platform) -> dict[str, str]:
    """The platform starts a login, the tool answers, the platform signs: the form fields
    (``id_token``, ``state``) the browser would post to the tool."""
    start = requests.get(platform.url + "/start", allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text
    assert start.headers["Location"].startswith(platform.tool_login_url)
    check = client.get(_path(start.headers["Location"]))  # the cookie check's first round
    assert check.status_code == 302, check.text
    assert "lms_cookie_check=1" in check.headers["Location"]
    answer = client.get(_path(check.headers["Location"]))
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(platform.url + "/authorize")
    form = requests.get(answer.headers["Location"], timeout=10)
    assert form.status_code == 200, form.text
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', form.text))
    assert re.search(r'action="([^"]+)"', form.text).group(1) == platform.tool_launch_url
    return fields


def claims_of(id_token: str) -> dict[str, Any]:
    return jwt.decode(id_token, options={"verify_signature": False})


def resign(platform: Platform, claims: dict[str, Any], *, key: str | None = None) -> str:
    """A token signed with the platform's key (or ``key``) under the platform's kid: what a
    platform (or someone holding its key) could send."""
    kid = PlatformRegistration.get_jwk(platform.public_key)["kid"]
    return jwt.encode(claims, key or platform.private_key, algorithm="RS256",
                      headers={"kid": kid})


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def logged_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def assert_refused(client: FlaskClient, fields: dict[str, str], before: int, *,
                   reason: str = "") -> None:
    response = client.post("/lti/launch", data=fields)
    assert response.status_code == 400, response.text
    assert "The launch from your school" in response.text
    assert reason in response.text
    assert accounts() == before
    assert db.session.scalar(select(func.count()).select_from(LtiIdentity)) == 0
    assert not logged_in(client)


def test_a_learner_launch_creates_the_account_by_platform_and_subject_and_logs_in(
        client: FlaskClient, platform: Platform) -> None:
    platform.launch = {"sub": "moodle-user-42", "name": "Giulia Rossi"}
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302, response.text
    assert logged_in(client)
    identity = db.session.scalars(select(LtiIdentity)).one()
    assert identity.subject == "moodle-user-42"
    user = db.session.get(User, identity.user_id)
    assert user.display_name == "Giulia Rossi" and user.email is None

    # The next launch of the same platform user finds the same account.
    client.post("/account/logout")
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LtiIdentity)) == 1
    with client.session_transaction() as session:
        assert session["_user_id"].split(":")[0] == str(user.id)


def test_the_jwks_endpoint_publishes_the_key_the_tool_signs_with(client: FlaskClient,
                                                                 app: Flask) -> None:
    from lms.lti.keys import tool_key

    keys = client.get("/lti/jwks").get_json()["keys"]
    assert [k["kid"] for k in keys] == [tool_key().kid]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]
    token = jwt.encode({"x": 1}, tool_key().private_pem, algorithm="RS256")
    assert jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["RS256"]) == {"x": 1}


def test_a_login_from_an_unknown_issuer_is_refused(client: FlaskClient,
                                                   platform: Platform) -> None:
    response = client.get("/lti/login?iss=https://elsewhere.example&login_hint=1")
    assert response.status_code == 400
    assert "registration" in response.text


Tamper = Callable[[Platform, dict[str, str]], dict[str, str]]


def _with_claims(change: Callable[[dict[str, Any]], None]) -> Tamper:
    def tamper(platform: Platform, fields: dict[str, str]) -> dict[str, str]:
        claims = claims_of(fields["id_token"])
        change(claims)
        return {**fields, "id_token": resign(platform, claims)}
    return tamper


def _other_key(platform: Platform, fields: dict[str, str]) -> dict[str, str]:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    return {**fields, "id_token": resign(platform, claims_of(fields["id_token"]), key=other)}


def _unsigned(platform: Platform, fields: dict[str, str]) -> dict[str, str]:
    kid = PlatformRegistration.get_jwk(platform.public_key)["kid"]
    token = jwt.encode(claims_of(fields["id_token"]), None, algorithm="none",
                       headers={"kid": kid})
    return {**fields, "id_token": token}


def _other_state(platform: Platform, fields: dict[str, str]) -> dict[str, str]:
    return {**fields, "state": "state-not-the-cookie"}


BAD = {
    "bad signature": (_other_key, "Can&#39;t decode id_token"),
    "alg none": (_unsigned, "Unable to find public key"),
    "unknown issuer": (_with_claims(lambda c: c.update(iss="https://elsewhere.example")),
                       "Registration not found"),
    "unknown deployment": (_with_claims(lambda c: c.update({DEPLOYMENT: "other"})),
                           "deployment"),
    "expired": (_with_claims(lambda c: c.update(iat=int(time.time()) - 7200,
                                                exp=int(time.time()) - 3600)), "expired"),
    "no exp": (_with_claims(lambda c: c.pop("exp")), "exp"),
    "no iat": (_with_claims(lambda c: c.pop("iat")), "iat"),
    "wrong audience": (_with_claims(lambda c: c.update(aud="another-tool", azp="another-tool")),
                       "Registration not found"),
    "missing claim": (_with_claims(lambda c: c.pop(VERSION)), "Incorrect version"),
    "no nonce": (_with_claims(lambda c: c.pop("nonce")), "nonce"),
    "state cookie mismatch": (_other_state, "State not found"),
}


@pytest.mark.parametrize("bad", sorted(BAD))
def test_a_bad_launch_gets_a_clear_page_no_account_and_no_login(
        client: FlaskClient, platform: Platform, bad: str) -> None:
    tamper, reason = BAD[bad]
    before = accounts()
    fields = start_launch(client, platform)
    assert_refused(client, tamper(platform, fields), before, reason=reason)


def test_a_nonce_from_another_login_is_refused(client: FlaskClient,
                                               platform: Platform) -> None:
    """Stock PyLTI1p3 accepts any nonce it ever issued to this browser: here the token of
    a second login carries the first login's nonce (a replayed nonce)."""
    before = accounts()
    first = claims_of(start_launch(client, platform)["id_token"])
    second = start_launch(client, platform)
    claims = claims_of(second["id_token"])
    claims["nonce"] = first["nonce"]
    assert_refused(client, {**second, "id_token": resign(platform, claims)}, before,
                   reason="nonce")


def test_an_id_token_posted_twice_is_refused_the_second_time(client: FlaskClient,
                                                             platform: Platform) -> None:
    fields = start_launch(client, platform)
    assert client.post("/lti/launch", data=fields).status_code == 302
    client.post("/account/logout")
    before = accounts()
    response = client.post("/lti/launch", data=fields)
    assert response.status_code == 400
    assert "nonce" in response.text or "already used" in response.text
    assert accounts() == before and not logged_in(client)


def test_an_unreachable_platform_jwks_is_a_clear_page(client: FlaskClient,
                                                      platform: Platform) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registration = db.session.scalars(select(LtiRegistration)).one()
    registration.key_set_url = f"http://127.0.0.1:{port}/jwks"
    db.session.commit()
    before = accounts()
    assert_refused(client, start_launch(client, platform), before,
                   reason="Error during fetch URL")


def test_the_first_launch_on_two_servers_at_once_ends_with_one_account(
        client: FlaskClient, platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another app server links the same platform user while this one makes the account:
    this server's account is dropped and the launch logs in the other's."""
    from lms.auth.services import create_user

    registration = db.session.scalars(select(LtiRegistration)).one()
    other = create_user(username="elsewhere", password="password123", display_name="Other")
    other_id = other.id

    def racing_create_user(**fields: Any) -> User:
        user = create_user(**fields)
        with db.engine.begin() as connection:  # the other server's commit
            connection.execute(LtiIdentity.__table__.insert().values(
                registration_id=registration.id, subject="student-1", user_id=other_id,
                created_at=user.created_at))
        return user

    monkeypatch.setattr(services, "create_user", racing_create_user)
    before = accounts()
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302, response.text
    with client.session_transaction() as session:
        assert session["_user_id"].split(":")[0] == str(other_id)
    assert accounts() == before


def test_a_deactivated_account_is_not_logged_in(client: FlaskClient,
                                                platform: Platform) -> None:
    assert client.post("/lti/launch", data=start_launch(client, platform)).status_code == 302
    client.post("/account/logout")
    user = db.session.get(User, db.session.scalars(select(LtiIdentity)).one().user_id)
    user.active = False
    db.session.commit()
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 400
    assert "deactivated" in response.text and not logged_in(client)


def test_names_from_the_platform_are_ignored_when_the_setting_is_off(
        app: Flask, client: FlaskClient, platform: Platform) -> None:
    app.config["LMS_LTI_SHARE_NAMES"] = False
    platform.launch = {"sub": "u-9", "name": "Giulia Rossi"}
    assert client.post("/lti/launch", data=start_launch(client, platform)).status_code == 302
    user = db.session.get(User, db.session.scalars(select(LtiIdentity)).one().user_id)
    assert user.display_name == user.username and user.username.startswith("lti-")


def test_a_launch_after_the_learner_deleted_their_account_makes_a_new_one(
        client: FlaskClient, platform: Platform) -> None:
    from lms.db import utcnow

    assert client.post("/lti/launch", data=start_launch(client, platform)).status_code == 302
    client.post("/account/logout")
    first = db.session.scalars(select(LtiIdentity)).one().user_id
    db.session.get(User, first).deleted_at = utcnow()
    db.session.commit()
    assert client.post("/lti/launch", data=start_launch(client, platform)).status_code == 302
    identity = db.session.scalars(select(LtiIdentity)).one()
    assert identity.user_id != first and logged_in(client)
