"""Deep Linking 2.0 (issue #19), driven by the independent platform (lti1p3platform) over
real HTTP: an instructor's deep-linking launch shows our picker; the signed answer is
verified by the platform, which fetches the tool's JWKS from the tool served over HTTP; a
learner's launch of that link lands on the module. Plus each bad input: a clear page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.wrappers import Response

from lms.auth.models import User
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import Course, Module
from lms.db import db, utcnow
from lms.lti import services
from lms.lti.models import LtiDeepLink, LtiIdentity
from tests import test_lti
from tests.lti_platform import Platform, running_platform
from tests.servers import serving
from tests.test_lti import TOOL, logged_in, start_launch

platform = test_lti.platform  # the fixture: a running platform, registered

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"




def sample_module() -> tuple[Course, Module]:
    module = db.session.scalars(select(Module).where(Module.available)
                                .order_by(Module.id)).first()
    assert module is not None, "the sample course has a module"
    return module.course, module


def open_picker(client: FlaskClient, platform: Platform, sub: str = "t-1") -> str:
    """An instructor's deep-linking launch: the picker's address."""
    client.post("/account/logout")
    platform.launch = {"sub": sub, "roles": [INSTRUCTOR], "name": "Ada Teacher",
                       "context": "course-7", "context_title": "3B Civics",
                       "deep_linking": True}
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert "/lti/deep-link/" in location
    return location


def returned_form(page: Response) -> tuple[str, str]:
    form = r'<form method="post" action="([^"]+)" id="lti-return"'
    action = html.unescape(re.search(form, page.text)[1])
    token = re.search(r'name="JWT" value="([^"]+)"', page.text)[1]
    return action, token


@pytest.mark.usefixtures("synced")
def test_an_instructor_deep_links_a_module_and_a_learner_lands_on_it(
        app: Flask, client: FlaskClient, platform: Platform) -> None:
    course, module = sample_module()
    course_id, module_slug, course_slug = course.id, module.slug, course.slug
    with serving(app) as tool:
        platform.tool_jwks_url = tool + "/lti/jwks"
        picker = open_picker(client, platform)
        page = client.get(picker)
        assert page.status_code == 200
        assert "<fieldset" in page.text and "<legend>" in page.text
        assert f'value="{course_id}/{module_slug}"' in page.text
        assert 'type="checkbox"' in page.text and "Send grades to the platform" in page.text

        chosen = client.post(picker, data={"target": f"{course_id}/{module_slug}",
                                           "grades": "y"})
        assert chosen.status_code == 200, chosen.text
        action, token = returned_form(chosen)
        assert action == platform.url + "/deep-link-return"
        # The only page whose form leaves the site names the platform in its CSP.
        assert f"form-action 'self' {platform.url}" in chosen.headers["Content-Security-Policy"]
        accepted = requests.post(action, data={"JWT": token}, timeout=10)
        assert accepted.status_code == 200, accepted.text
    [item] = platform.deep_link_items[-1]
    assert item["type"] == "ltiResourceLink" and item["url"] == TOOL + "/lti/launch"
    assert item["custom"] == {"lms_course": str(course_id), "lms_module": module_slug}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["lineItem"]["resourceId"] == f"{course_id}/{module_slug}"
    assert item["lineItem"]["label"] == item["title"]

    # The choice is used once: posting the picker again gets a clear page.
    again = client.post(picker, data={"target": str(course_id)})
    assert again.status_code == 410 and "already sent" in again.text

    # A learner opens the new activity: logged in, on the module, in the context's class.
    client.post("/account/logout")
    platform.launch = {"sub": "s-1", "roles": [LEARNER], "context": "course-7",
                       "custom": item["custom"]}
    landing = client.post("/lti/launch", data=start_launch(client, platform))
    assert landing.status_code == 302
    assert landing.headers["Location"].startswith(f"/courses/{course_slug}/{module_slug}/")
    assert client.get(landing.headers["Location"]).status_code == 200 and logged_in(client)
    learner = db.session.scalar(select(LtiIdentity).where(LtiIdentity.subject == "s-1"))
    school_class = db.session.scalars(select(SchoolClass)).one()
    assert db.session.scalar(select(ClassMember.user_id)) == learner.user_id
    teacher = db.session.scalar(select(LtiIdentity).where(LtiIdentity.subject == "t-1"))
    assert school_class.teacher_id == teacher.user_id


@pytest.mark.usefixtures("synced")
def test_a_whole_course_link_without_grades_lands_on_the_course_page(
        client: FlaskClient, platform: Platform) -> None:
    course, _ = sample_module()
    picker = open_picker(client, platform)
    chosen = client.post(picker, data={"target": str(course.id)})
    _, token = returned_form(chosen)
    claims = test_lti.claims_of(token)
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"lms_course": str(course.id)} and "lineItem" not in item
    assert claims["aud"] == [platform.issuer] and claims["iss"] == platform.client_id

    client.post("/account/logout")
    platform.launch = {"sub": "s-2", "custom": item["custom"]}
    landing = client.post("/lti/launch", data=start_launch(client, platform))
    assert landing.headers["Location"] == f"/courses/{course.slug}/"


@pytest.mark.usefixtures("synced")
def test_a_link_to_a_course_or_module_that_is_gone_gets_a_clear_page(
        client: FlaskClient, platform: Platform) -> None:
    course, _ = sample_module()
    for custom in ({"lms_course": str(course.id), "lms_module": "no-such-module"},
                   {"lms_course": "999999"}, {"lms_course": "not-a-number"}):
        client.post("/account/logout")
        platform.launch = {"sub": "s-3", "custom": custom}
        page = client.post("/lti/launch", data=start_launch(client, platform))
        assert page.status_code == 404, custom
        assert "no longer exists on this site" in page.text


def test_a_learner_cannot_open_the_picker(client: FlaskClient, platform: Platform) -> None:
    platform.launch = {"sub": "s-4", "roles": [LEARNER], "deep_linking": True}
    page = client.post("/lti/launch", data=start_launch(client, platform))
    assert page.status_code == 400 and "Instructor" in page.text
    assert not logged_in(client)
    assert db.session.scalars(select(LtiDeepLink)).all() == []


@pytest.mark.usefixtures("synced")
def test_bad_picker_input_gets_a_clear_page(app: Flask, client: FlaskClient,
                                            platform: Platform) -> None:
    picker = open_picker(client, platform)
    for target in ("", "999999", "1/no-such-module", "x" * 300):
        page = client.post(picker, data={"target": target})
        assert page.status_code == 400, target
        assert "Please correct the following" in page.text
    assert client.get("/lti/deep-link/not-a-token").status_code == 410
    assert client.get("/lti/deep-link/" + "x" * 500).status_code == 410

    # Another platform's instructor (another registration) cannot use this request.
    with running_platform() as other:
        other.point_at(TOOL)
        services.create_registration(name="Other", **other.registration_fields())
        open_picker(client, other, sub="t-1")  # the same subject, another platform
    page = client.post(picker, data={"target": str(sample_module()[0].id)})
    assert page.status_code == 403 and "Open this page from your course" in page.text
    # Nobody logged in: the same.
    client.post("/account/logout")
    assert client.get(picker).status_code == 403
    assert db.session.get(User, db.session.scalars(select(LtiDeepLink)).first().user_id)


@pytest.mark.usefixtures("synced")
def test_what_an_instructor_links_is_assigned_to_the_class_of_their_platform_course(
        client: FlaskClient, platform: Platform) -> None:
    """The class dashboard shows the linked module; linking it again keeps the due date the
    teacher set here; a whole course is assigned as a course."""
    course, module = sample_module()
    course_id, module_id, module_slug = course.id, module.id, module.slug
    picker = open_picker(client, platform)
    assert client.post(picker, data={"target": f"{course_id}/{module_slug}"}).status_code == 200
    school_class = db.session.scalars(select(SchoolClass)).one()
    [assignment] = db.session.scalars(select(Assignment)).all()
    assert (assignment.class_id, assignment.course_id, assignment.module_id,
            assignment.due_at) == (school_class.id, course_id, module_id, None)

    due = utcnow() + timedelta(days=7)
    assignment.due_at = due
    db.session.commit()
    picker = open_picker(client, platform)
    assert client.post(picker, data={"target": f"{course_id}/{module_slug}"}).status_code == 200
    db.session.expire_all()
    [kept] = db.session.scalars(select(Assignment)).all()
    assert kept.due_at == due

    picker = open_picker(client, platform)
    assert client.post(picker, data={"target": str(course_id)}).status_code == 200
    targets = {(a.course_id, a.module_id) for a in db.session.scalars(select(Assignment))}
    assert targets == {(course_id, module_id), (course_id, None)}


@pytest.mark.usefixtures("synced")
def test_a_deep_link_without_a_platform_course_assigns_nothing(
        client: FlaskClient, platform: Platform) -> None:
    course, _ = sample_module()
    client.post("/account/logout")
    platform.launch = {"sub": "t-9", "roles": [INSTRUCTOR], "deep_linking": True}
    response = client.post("/lti/launch", data=start_launch(client, platform))
    picker = response.headers["Location"]
    assert client.post(picker, data={"target": str(course.id)}).status_code == 200
    assert db.session.scalars(select(Assignment)).all() == []
