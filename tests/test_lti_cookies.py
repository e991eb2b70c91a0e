"""Launches inside the platform's iframe (issue #19): the LTI session's cookie is cross-site
(``SameSite=None; Secure; Partitioned``) while the site's own stays ``Lax``; a browser that
keeps no cookie in the frame gets a "continue in a new window" page; the registered
platforms may frame the LTI pages and sessions, nobody else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

from lms.auth.models import User
from lms.lti.cookies import CHECK_COOKIE
from tests import test_lti
from tests.lti_platform import Platform
from tests.test_lti import _path, start_launch

platform = test_lti.platform  # the fixture: a running platform, registered


def _cookie(response: Response, name: str) -> str:
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name)]
    assert found, response.headers
    return found[-1]


def _frame_ancestors(response: Response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(part for part in policy.split("; ") if part.startswith("frame-ancestors"))


def test_the_launch_session_cookie_is_cross_site_and_the_sites_stays_lax(
        client: FlaskClient, platform: Platform, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    fields = start_launch(client, platform)
    launch = client.post("/lti/launch", data=fields)
    assert launch.status_code == 302
    cookie = _cookie(launch, "session=")
    for attribute in ("SameSite=None", "Secure", "Partitioned", "HttpOnly"):
        assert attribute in cookie
    # The LTI session keeps it: a later response that writes the session again.
    again = client.post("/account/logout")
    assert "SameSite=None" in _cookie(again, "session=")
    # A password login in the same browser is an ordinary session again.
    person = make_user()
    back = client.post("/account/login", data={"login": person.username,
                                               "password": "password123"})
    assert "SameSite=Lax" in _cookie(back, "session=")

    other = FlaskClient(client.application, Response, use_cookies=True)
    user = make_user()
    answer = other.post("/account/login", data={"login": user.username,
                                                "password": "password123"})
    cookie = _cookie(answer, "session=")
    assert "SameSite=Lax" in cookie and "Partitioned" not in cookie


def test_the_login_state_cookie_comes_back_inside_the_frame(
        client: FlaskClient, platform: Platform) -> None:
    start = requests.get(platform.url + "/start", allow_redirects=False, timeout=10)
    check = client.get(_path(start.headers["Location"]))
    assert "SameSite=None" in _cookie(check, CHECK_COOKIE)
    answer = client.get(_path(check.headers["Location"]))
    assert answer.status_code == 302
    state = _cookie(answer, "lti1p3-state-")
    assert "SameSite=None" in state and "Secure" in state and "Partitioned" in state


def test_a_browser_that_keeps_no_cookie_in_the_frame_gets_a_new_window_link(
        client: FlaskClient, platform: Platform) -> None:
    start = requests.get(platform.url + "/start", allow_redirects=False, timeout=10)
    check = client.get(_path(start.headers["Location"]))
    assert check.status_code == 302
    client.delete_cookie(CHECK_COOKIE, path="/lti/login")  # the browser dropped it
    page = client.get(_path(check.headers["Location"]))
    assert page.status_code == 200
    assert "Continue in a new window" in page.text
    assert 'target="_blank" rel="noopener"' in page.text
    assert "<script" not in page.text  # the CSP allows no inline script
    link = page.text.split('<a class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["iss"] == [platform.issuer] and "lms_cookie_check" not in query
    assert "frame-ancestors 'self' " + platform.url in _frame_ancestors(page)

    # The new window is first-party: the same login goes on to the platform.
    check = client.get(_path(link))
    answer = client.get(_path(check.headers["Location"]))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(platform.url + "/authorize")


def test_registered_platforms_may_frame_lti_pages_and_sessions_only(
        app: Flask, client: FlaskClient, platform: Platform, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    app.config["LMS_FRAME_ANCESTORS"] = "'self' https://ngo.example"
    outsider = FlaskClient(app, Response, use_cookies=True)
    page = outsider.get("/courses/")
    assert _frame_ancestors(page) == "frame-ancestors 'self' https://ngo.example"
    assert "X-Frame-Options" not in page.headers

    launch = client.post("/lti/launch", data=start_launch(client, platform))
    assert platform.url in _frame_ancestors(launch)
    inside = client.get(launch.headers["Location"])
    assert inside.status_code == 200
    assert _frame_ancestors(inside) == (
        f"frame-ancestors 'self' https://ngo.example {platform.url}")
    assert "X-Frame-Options" not in inside.headers
