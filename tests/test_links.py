"""Links sent out of the site come from LMS_BASE_URL, never from the request's Host header;
in production, requests for any other host are refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import LMS
from lms.auth.models import User
from lms.config import ConfigError
from lms.db import utcnow
from lms.urls import external_url
from tests.conftest import make_test_app

FORGED = "evil.example.net"
BASE = "https://learn.example.org"


@pytest.fixture
def mailed(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[EmailMessage]:
    sent: list[EmailMessage] = []
    monkeypatch.setattr("lms.mail.transport.send_message",
                        lambda config, message: sent.append(message))
    return sent


def test_reset_link_ignores_a_forged_host_in_development(
    app: Flask, client: FlaskClient, make_user: Callable[..., User],
    mailed: list[EmailMessage],
) -> None:
    app.config["LMS_BASE_URL"] = BASE + "/"
    make_user(email="carla@example.org")
    response = client.post("/account/reset", data={"email": "carla@example.org"},
                           headers={"Host": FORGED}, follow_redirects=True)
    assert response.status_code == 200  # development trusts any host, but links do not
    (message,) = mailed
    links = re.findall(r"\S+/account/reset/\S+", str(message.get_content()))
    assert len(links) == 1 and links[0].startswith(BASE + "/account/reset/"), links


def test_join_link_and_login_cards_use_the_base_url(
    app: Flask, client: FlaskClient, make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lms.classes.services import create_class

    app.config["LMS_BASE_URL"] = BASE
    teacher = make_user(role="teacher")
    school_class = create_class(teacher.id, "3B", None, now=utcnow())
    forged = f"http://{FORGED}"  # the session cookie then goes with the forged host
    assert client.post("/account/login", base_url=forged, data={
        "login": teacher.username, "password": "password123"}).status_code == 302
    page = client.get(f"/teach/classes/{school_class.id}/students/", base_url=forged)
    assert f"<code>{BASE}/join/" in page.text
    cards: dict[str, Any] = {}

    def fake_cards(accounts: object, **kwargs: Any) -> bytes:
        cards.update(kwargs)
        return b"%PDF-1.7"

    monkeypatch.setattr("lms.classes.cards.render_login_cards", fake_cards)
    created = client.post(f"/teach/classes/{school_class.id}/accounts",
                          data={"names": "Amina Khalil"}, base_url=forged)
    assert created.status_code == 200
    assert cards["site_url"] == BASE + "/account/login"
    assert f"Log in at {BASE}/account/login" in created.text


def _production_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **config: Any) -> Flask:
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "s3cret-for-production-test")
    return make_test_app("sqlite://", tmp_path, **config)


def test_production_refuses_requests_for_other_hosts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LMS_BASE_URL", BASE)
    monkeypatch.setenv("LMS_TRUSTED_HOSTS", "localhost, 127.0.0.1")
    app = _production_app(tmp_path, monkeypatch)
    assert app.config["TRUSTED_HOSTS"] == ["learn.example.org", "localhost", "127.0.0.1"]
    client = app.test_client()
    forged = client.post("/account/reset", data={"email": "x@example.org"},
                         headers={"Host": FORGED})
    assert forged.status_code == 400
    assert "does not answer to that address" in forged.text
    assert client.get("/account/login", headers={"Host": FORGED + ":443"}).status_code == 400
    assert client.get("/account/login", base_url=BASE).status_code == 200
    # A local health check by address, allowed through LMS_TRUSTED_HOSTS.
    assert client.get("/account/login", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_production_needs_a_valid_base_url(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LMS_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="LMS_BASE_URL must be set in production"):
        _production_app(tmp_path, monkeypatch)
    for wrong in ("learn.example.org", "ftp://learn.example.org", "https://x.org/?a=1"):
        with pytest.raises(ConfigError, match="LMS_BASE_URL must be an address"):
            _production_app(tmp_path, monkeypatch, LMS_BASE_URL=wrong)


def test_links_include_the_mount_point(tmp_path: Path) -> None:
    # Mounted by a host under a blueprint prefix: the URL map adds /learn.
    host = Flask("host", instance_path=str(tmp_path / "instance"))
    LMS(host, url_prefix="/learn", config={"SECRET_KEY": "x", "LMS_BASE_URL": BASE,
                                           "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with host.app_context():
        assert external_url("lms.auth.login") == BASE + "/learn/account/login"
    # Mounted with DispatcherMiddleware at /learn: the base URL names the mount point.
    app = make_test_app("sqlite://", tmp_path, LMS_BASE_URL=BASE + "/learn/")
    with app.app_context():
        assert (external_url("lms.certificates.verify", code="ABCD-EFGH-JKLM")
                == BASE + "/learn/verify/ABCD-EFGH-JKLM")
    with app.test_request_context("/account/reset", base_url="http://other.example/x"):
        assert external_url("lms.auth.login") == BASE + "/learn/account/login"
