"""An instructor deep-links a module from the independent test platform (lti1p3platform) in
Chromium: the cookie check passes (Chromium keeps ``Secure`` cookies from 127.0.0.1), the
picker shows, and the answer goes back to the platform by lms/lti-return.js (no inline
script). A browser that keeps no cookie gets the new-window page.

Screenshots (under screenshots/): lti-picker, lti-new-window, lti-picker-in-iframe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserType, Page

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_accessibility import axe_violations
from tests.lti_platform import Platform, running_platform

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


@pytest.fixture
def platform(live_app: Flask, live_server: str) -> Iterator[Platform]:
    from lms.lti import services

    with running_platform() as running:
        running.point_at(live_server)
        with live_app.app_context():
            services.create_registration(name="E2E Moodle", **running.registration_fields())
        yield running


def test_an_instructor_picks_a_module_in_chromium(
        open_page: Callable[..., Page], platform: Platform,
        screenshot: Callable[..., Path]) -> None:
    platform.launch = {"sub": "e2e-teacher", "roles": [INSTRUCTOR], "name": "Ada Bianchi",
                       "context": "e2e-course", "context_title": "3B Civics",
                       "deep_linking": True}
    page = open_page()
    page.goto(platform.url + "/start")
    page.wait_for_url(re.compile(r".*/authorize.*"))
    page.evaluate("document.forms[0].submit()")  # the platform's auto-posted form
    page.wait_for_url(re.compile(r".*/lti/deep-link/.*"))
    assert page.locator("h1").inner_text() == "Choose what the activity opens"
    assert axe_violations(page) == []
    screenshot(page, "lti-picker")

    page.locator("input[type=radio][value*='/']").first.check()
    page.get_by_label("Send grades to the platform").check()
    page.get_by_role("button", name="Add to the course").click()
    page.wait_for_url(platform.url + "/deep-link-return")  # lti-return.js posted it
    [item] = json.loads(page.locator("body").inner_text())
    assert item["lineItem"]["scoreMaximum"] == 100 and "lms_module" in item["custom"]


def test_a_browser_without_cookies_gets_the_new_window_page(
        open_page: Callable[..., Page], platform: Platform,
        screenshot: Callable[..., Path]) -> None:
    page = open_page()
    page.goto(f"/lti/login?iss={platform.issuer}&login_hint=e2e&client_id="
              f"{platform.client_id}&lms_cookie_check=1")  # the second round, no cookie
    link = page.get_by_role("link", name="Continue in a new window")
    assert link.get_attribute("target") == "_blank"
    assert axe_violations(page) == []
    screenshot(page, "lti-new-window")


def test_the_launch_works_inside_the_platforms_iframe(
        live_app: Flask, live_server: str, browser_type: BrowserType,
        screenshot: Callable[..., Path]) -> None:
    """The platform's course page (on http://localhost) frames the tool (on 127.0.0.1, another
    site): the cookie check, the launch and the picker's POST (its CSRF token lives in the
    session cookie) all need the cross-site cookies, and frame-ancestors must allow the
    platform."""
    from lms.lti import services

    with running_platform() as running:
        running.url = running.url.replace("127.0.0.1", "localhost")  # another site
        running.point_at(live_server)
        with live_app.app_context():
            services.create_registration(name="Framing Moodle", **running.registration_fields())
        running.launch = {"sub": "frame-teacher", "roles": [INSTRUCTOR],
                          "context": "frame-course", "context_title": "4A",
                          "deep_linking": True}
        # Chromium's Local Network Access checks block a frame on localhost from loading
        # 127.0.0.1 (a platform and a tool on the internet are not concerned).
        browser = browser_type.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"])
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.route(running.url + "/course", lambda route: route.fulfill(
            content_type="text/html",
            body=f'<h1>Moodle</h1><iframe src="{running.url}/start" width="1000" '
                 'height="700" title="tool"></iframe>'))
        page.goto(running.url + "/course")
        frame = page.frame_locator("iframe")
        tool_frame = page.frames[1]
        tool_frame.wait_for_url(re.compile(r".*/authorize.*"))
        tool_frame.evaluate("document.forms[0].submit()")
        tool_frame.wait_for_url(re.compile(r".*/lti/deep-link/.*"))
        screenshot(page, "lti-picker-in-iframe", full_page=False)
        frame.locator("input[type=radio][value*='/']").first.check()
        frame.get_by_role("button", name="Add to the course").click()
        tool_frame.wait_for_url(running.url + "/deep-link-return")
        [item] = json.loads(tool_frame.locator("body").inner_text())
        assert "lms_module" in item["custom"]
        browser.close()


def _launch_in(page: Page, platform: Platform, **spec: object) -> None:
    platform.launch = dict(spec)
    page.goto(platform.url + "/start")
    page.wait_for_url(re.compile(r".*/authorize.*"))
    page.evaluate("document.forms[0].submit()")  # the platform's auto-posted form
    page.wait_for_url(re.compile(r".*/courses/.*"))  # landed: the launch is done


def test_an_instructor_updates_the_class_list_from_the_platform(
        live_app: Flask, open_page: Callable[..., Page], platform: Platform,
        screenshot: Callable[..., Path]) -> None:
    """Names and Roles: the button on the class's members page, its result (desktop and
    375 px), with a learner who launched before the instructor and has left the course."""
    from sqlalchemy import select

    from lms.db import db
    from lms.lti.models import LtiContext

    course = {"context": "e2e-roster", "context_title": "4C History", "nrps": True}
    _launch_in(open_page(), platform, sub="e2e-gone", name="Léa Martin",
               roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], **course)
    page = open_page()
    _launch_in(page, platform, sub="e2e-instructor", name="Ada Bianchi", roles=[INSTRUCTOR],
               **course)
    with live_app.app_context():
        class_id = db.session.scalar(select(LtiContext.class_id).where(
            LtiContext.context_id == "e2e-roster"))
    learner = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    platform.rosters["e2e-roster"] = [
        [{"user_id": "e2e-l1", "roles": [learner], "name": "Amina Diallo"},
         {"user_id": "e2e-l2", "roles": [learner], "name": "Marco Rossi"}],
        [{"user_id": "e2e-l3", "roles": [learner], "name": "Yusuf Kaya"}, {"roles": []}]]
    page.goto(f"/teach/classes/{class_id}/students/")
    assert "Léa Martin" in page.locator("main").inner_text()  # waited for the instructor
    button = page.get_by_role("button", name="Update the class list from E2E Moodle")
    assert axe_violations(page) == []
    screenshot(page, "lti-roster-button")
    button.click()
    page.wait_for_load_state()
    status = page.get_by_role("status")
    assert "Added: 3. Already in the class: 0." in status.inner_text()
    assert "Léa Martin" in status.inner_text()  # left the platform course, still here
    assert "Yusuf Kaya" in page.locator("main table").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "lti-roster-result")
    page.set_viewport_size({"width": 375, "height": 800})
    button.click()  # on a phone, and a second time: nothing new
    page.wait_for_load_state()
    assert "Added: 0. Already in the class: 3." in page.get_by_role("status").inner_text()
    screenshot(page, "lti-roster-phone")
