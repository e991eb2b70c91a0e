"""The admin's LTI pages: registering a platform in the browser, the tool's URLs to paste."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.auth.models import User
from lms.db import db
from lms.lti.models import LtiRegistration
from tests.lti_platform import running_platform
from tests.test_lti import start_launch


def _form(url: str, **changes: str) -> dict[str, str]:
    data = {"name": "Scuola Moodle", "issuer": url, "client_id": "lms-tool",
            "deployment_ids": "deployment-1\r\ndeployment-2\r\n",
            "auth_login_url": url + "/authorize", "auth_token_url": url + "/token",
            "key_set_url": url + "/jwks"}
    data.update(changes)
    return data


def test_an_admin_registers_a_platform_that_can_then_launch(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    login(make_user(role="admin"))
    page = client.get("/admin/lti/new")
    assert page.status_code == 200
    for url in ("http://localhost/lti/launch", "http://localhost/lti/login",
                "http://localhost/lti/jwks"):
        assert url in page.text
    with running_platform() as platform:
        platform.tool_login_url = "http://localhost/lti/login"
        platform.tool_launch_url = "http://localhost/lti/launch"
        response = client.post("/admin/lti/new", data=_form(platform.url))
        assert response.status_code == 303, response.text
        row = db.session.scalars(select(LtiRegistration)).one()
        assert row.deployments == ["deployment-1", "deployment-2"]
        listing = client.get("/admin/lti/")
        assert "Scuola Moodle" in listing.text and "deployment-2" in listing.text

        client.post("/account/logout")
        platform.launch = {"sub": "u-7"}
        assert client.post("/lti/launch", data=start_launch(client, platform)).status_code == 302


def test_the_registration_form_explains_bad_values(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    login(make_user(role="admin"))
    base = "https://moodle.school.example"
    assert client.post("/admin/lti/new", data=_form(base)).status_code == 303
    again = client.post("/admin/lti/new", data=_form(base))
    assert again.status_code == 200
    assert "already has a registration with this client ID" in again.text
    bad_url = client.post("/admin/lti/new", data=_form(base, client_id="other",
                                                       key_set_url="certs.php"))
    assert bad_url.status_code == 200
    assert "Enter a full address starting with https://" in bad_url.text
    assert len(db.session.scalars(select(LtiRegistration)).all()) == 1
