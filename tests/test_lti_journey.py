"""The whole LTI path of issue #19 over real HTTP, with CSRF on: the tool is served on a free
port, the independent platform (lti1p3platform, tests/lti_platform.py) on another, and each
person is a ``requests`` session with its own cookies. An admin registers the platform in the
admin pages, an instructor deep-links a module, a learner's launch lands on the module page
logged in, enrolled in the class of the platform's course, whose teacher is the instructor.

The "browsers" accept ``Secure`` cookies from http://127.0.0.1, as Chromium and Firefox do
for local addresses (``requests`` would otherwise keep them for HTTPS only)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from lms.auth.models import Role, User
from lms.classes.models import ClassMember, SchoolClass
from lms.db import db
from lms.lti.models import LtiIdentity, LtiRegistration
from tests.lti_platform import Platform, running_platform
from tests.test_lti_deep_linking import INSTRUCTOR, LEARNER, sample_module, serving


@pytest.fixture(autouse=True)
def local_secure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Secure`` cookies go back to http://127.0.0.1, as in Chromium and Firefox. (requests
    builds a fresh cookie jar for every request, so a jar's own policy would not apply.)"""
    stock = DefaultCookiePolicy.return_ok_secure

    def return_ok_secure(self: DefaultCookiePolicy, cookie: Any, request: Any) -> bool:
        local = request.get_host().split(":")[0] in ("127.0.0.1", "localhost")
        return local or stock(self, cookie, request)

    monkeypatch.setattr(DefaultCookiePolicy, "return_ok_secure", return_ok_secure)


def browser() -> requests.Session:
    return requests.Session()


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def launch(person: requests.Session, platform: Platform) -> requests.Response:
    """The person clicks the activity in the platform: OIDC login, the platform's
    authorization, then the auto-posted form (a browser would submit it by itself)."""
    form = person.get(platform.url + "/start", timeout=10)
    assert form.status_code == 200, form.text
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', form.text))
    action = html.unescape(re.search(r'action="([^"]+)"', form.text)[1])
    assert action == platform.tool_launch_url
    return person.post(action, data=fields, timeout=10)


@pytest.mark.usefixtures("synced")
def test_registration_deep_link_and_a_learner_launch_over_http(
        app: Flask, make_user: Callable[..., User]) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    admin = make_user(role="admin")
    course, module = sample_module()
    course_slug, module_slug = course.slug, module.slug
    with serving(app) as tool, running_platform() as platform:
        # The administrator registers the platform in the browser.
        office = browser()
        page = office.get(tool + "/account/login", timeout=10).text
        office.post(tool + "/account/login", timeout=10, data={
            "login": admin.username, "password": "password123", "csrf_token": csrf(page)})
        page = office.get(tool + "/admin/lti/new", timeout=10).text
        urls = dict(zip(("launch", "jwks", "login"), re.findall(
            r'<code dir="ltr">(http[^<]+)</code>', page)[:3], strict=True))
        assert urls["launch"] == tool + "/lti/launch"
        platform.tool_launch_url, platform.tool_login_url = urls["launch"], urls["login"]
        platform.tool_jwks_url = urls["jwks"]
        saved = office.post(tool + "/admin/lti/new", timeout=10, data={
            "csrf_token": csrf(page), "name": "Scuola Moodle", "issuer": platform.issuer,
            "client_id": platform.client_id, "deployment_ids": platform.deployment_id,
            "auth_login_url": platform.url + "/authorize",
            "auth_token_url": platform.url + "/token", "key_set_url": platform.url + "/jwks"})
        assert saved.status_code == 200 and "Scuola Moodle" in saved.text
        assert db.session.scalars(select(LtiRegistration)).one().issuer == platform.issuer

        # The instructor adds an activity: the picker, then the signed answer.
        teacher = browser()
        platform.launch = {"sub": "moodle-2", "roles": [INSTRUCTOR], "name": "Ada Bianchi",
                           "context": "moodle-course-5", "context_title": "3B Civics",
                           "deep_linking": True}
        picker = launch(teacher, platform)
        assert picker.status_code == 200 and "/lti/deep-link/" in picker.url
        assert "Choose what the activity opens" in picker.text
        forged = teacher.post(picker.url, timeout=10, data={  # no CSRF token
            "target": f"{course.id}/{module_slug}"})
        assert forged.status_code == 400 and "The form expired" in forged.text
        answer = teacher.post(picker.url, timeout=10, data={
            "csrf_token": csrf(picker.text), "target": f"{course.id}/{module_slug}",
            "grades": "y"})
        assert answer.status_code == 200, answer.text
        action = html.unescape(re.search(r'action="([^"]+)" id="lti-return"', answer.text)[1])
        token = re.search(r'name="JWT" value="([^"]+)"', answer.text)[1]
        created = teacher.post(action, data={"JWT": token}, timeout=10)
        assert created.status_code == 200, created.text
        [item] = platform.deep_link_items[-1]

        # A learner opens it: on the module's first page, logged in.
        learner = browser()
        platform.launch = {"sub": "moodle-31", "roles": [LEARNER], "name": "Luca Verdi",
                           "context": "moodle-course-5", "custom": item["custom"]}
        landed = launch(learner, platform)
        assert landed.status_code == 200, landed.text
        assert landed.url.startswith(f"{tool}/courses/{course_slug}/{module_slug}/")
        assert "Luca Verdi" in landed.text or "/account/logout" in landed.text
        account = learner.get(tool + "/account/", timeout=10)
        assert account.status_code == 200 and "/account/login" not in account.url

    identities = {row.subject: row.user_id for row in db.session.scalars(select(LtiIdentity))}
    school_class = db.session.scalars(select(SchoolClass)).one()
    assert school_class.name == "3B Civics"
    assert school_class.teacher_id == identities["moodle-2"]
    assert db.session.get(User, identities["moodle-2"]).role == Role.TEACHER
    assert db.session.scalars(select(ClassMember.user_id)).all() == [identities["moodle-31"]]
