"""The whole LTI path of issue #19 over real HTTP, with CSRF on: the tool is served on a free
port, the independent platform (lti1p3platform, tests/lti_platform.py) on another, and each
person is a ``requests`` session with its own cookies. An admin registers the platform in the
admin pages, an instructor deep-links a module (with a grade column), a learner's launch lands
on the module page logged in, enrolled in the class of the platform's course, whose teacher is
the instructor; the learner completes the module and the score arrives at the platform's line
item.

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
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from lms.auth.models import Role, User
from lms.classes.models import ClassMember, SchoolClass
from lms.db import db
from lms.lti.models import LtiIdentity, LtiRegistration
from lms.quizzes.models import QuizAttempt
from tests.lti_platform import Platform, running_platform
from tests.servers import serving
from tests.test_lti_deep_linking import INSTRUCTOR, LEARNER, sample_module
from tests.test_quiz_taking import form_data, perfect


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
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)[0]
    return re.search(r'value="([^"]+)"', tag)[1]


def launch(person: requests.Session, platform: Platform) -> requests.Response:
    """The person clicks the activity in the platform: OIDC login, the platform's
    authorization, then the auto-posted form (a browser would submit it by itself)."""
    form = person.get(platform.url + "/start", timeout=10)
    assert form.status_code == 200, form.text
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', form.text))
    action = html.unescape(re.search(r'action="([^"]+)"', form.text)[1])
    assert action == platform.tool_launch_url
    return person.post(action, data=fields, timeout=10)


def complete_module(person: requests.Session, tool: str, lesson: requests.Response,
                    quiz_url: str) -> None:
    """Mark the module's lesson done and answer its quiz right, as the learner clicks."""
    done = re.search(r'action="([^"]*/complete)"', lesson.text)
    assert done, "the lesson page has its 'mark as done' form"
    marked = person.post(tool + html.unescape(done[1]), timeout=10,
                         data={"csrf_token": csrf(lesson.text)})
    assert marked.status_code == 200, marked.text
    page = person.get(quiz_url, timeout=10)
    user_id = db.session.scalar(select(LtiIdentity.user_id)
                                .where(LtiIdentity.subject == "moodle-31"))
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_(None)))
    answers = form_data(page.text, {q["key"]: perfect(q) for q in attempt.questions})
    answers.add("csrf_token", csrf(page.text))
    result = person.post(quiz_url + "quiz", data=list(answers.items(multi=True)), timeout=10)
    assert result.status_code == 200 and "Your result: 100%" in result.text, result.text


@pytest.mark.usefixtures("synced")
def test_registration_deep_link_a_learner_launch_and_the_score_over_http(
        app: Flask, make_user: Callable[..., User], runner: FlaskCliRunner) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    # Scores go out from the cron command here, so the test does not race a send that runs
    # after a response (the default; tests/test_lti_grades.py covers it).
    app.config["LMS_LTI_SEND_AT_ONCE"] = False
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
        assert item["lineItem"]["scoreMaximum"] == 100 and item.get("lineitem_url")

        # A learner opens it: on the module's first page, logged in.
        learner = browser()
        platform.launch = {"sub": "moodle-31", "roles": [LEARNER], "name": "Luca Verdi",
                           "context": "moodle-course-5", "custom": item["custom"],
                           "lineitem": item["lineitem_url"]}
        landed = launch(learner, platform)
        assert landed.status_code == 200, landed.text
        assert landed.url.startswith(f"{tool}/courses/{course_slug}/{module_slug}/")
        assert "Luca Verdi" in landed.text or "/account/logout" in landed.text
        account = learner.get(tool + "/account/", timeout=10)
        assert account.status_code == 200 and "/account/login" not in account.url

        # The learner reads the module's lesson and passes its quiz; the cron job sends the
        # score, and it arrives at the line item the deep link made.
        complete_module(learner, tool, landed, f"{tool}/courses/{course_slug}/{module_slug}/check/")
        assert platform.scores == {}
        sent = runner.invoke(args=["lti", "send-scores"])
        assert sent.exit_code == 0, sent.output
        score = platform.scores["1"]["moodle-31"]
        assert (score["scoreGiven"], score["scoreMaximum"]) == (100, 100)
        assert score["activityProgress"] == "Completed"
        assert score["gradingProgress"] == "FullyGraded"

    identities = {row.subject: row.user_id for row in db.session.scalars(select(LtiIdentity))}
    school_class = db.session.scalars(select(SchoolClass)).one()
    assert school_class.name == "3B Civics"
    assert school_class.teacher_id == identities["moodle-2"]
    assert db.session.get(User, identities["moodle-2"]).role == Role.TEACHER
    assert db.session.scalars(select(ClassMember.user_id)).all() == [identities["moodle-31"]]
