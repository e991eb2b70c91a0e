"""Class lists from the platform (Names and Roles Provisioning 2.0, lms.lti.roster): the
platform of tests/lti_platform.py serves each course's member list with the library's NRPS
service (bearer token and scope checked), in pages linked by ``Link: rel="next"``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from lms.auth.models import User
from lms.classes.models import ClassMember
from lms.db import db
from lms.lti.models import LtiContext, LtiIdentity
from tests.lti_platform import Platform, running_platform
from tests.servers import serving
from tests.test_lti import TOOL, start_launch

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
COURSE = "course-7"


@pytest.fixture
def platform(app: Flask) -> Iterator[Platform]:
    from lms.lti import services

    # The platform's token endpoint reads the tool's keys from the tool over HTTP.
    with serving(app) as tool, running_platform() as running:
        running.point_at(TOOL, jwks_from=tool)
        services.create_registration(name="School Moodle", **running.registration_fields())
        yield running


def launch(client: FlaskClient, platform: Platform, sub: str, role: str, *,
           nrps: bool = True) -> User:
    client.post("/account/logout")
    platform.launch = {"sub": sub, "roles": [role], "name": f"Person {sub}",
                       "context": COURSE, "context_title": "3B Civics", "nrps": nrps}
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302, response.text
    return account(sub)


def account(sub: str) -> User | None:
    identity = db.session.scalar(select(LtiIdentity).where(LtiIdentity.subject == sub))
    return None if identity is None else db.session.get(User, identity.user_id)


def member(sub: str, role: str = LEARNER, **extra: Any) -> dict[str, Any]:
    return {"user_id": sub, "roles": [role], "name": f"Member {sub}", "status": "Active",
            **extra}


def members_of(class_id: int) -> set[int]:
    return set(db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == class_id)))


def class_id() -> int:
    return db.session.scalars(select(LtiContext.class_id)).one()


def test_the_instructor_updates_the_class_list_from_every_page(
        client: FlaskClient, platform: Platform, caplog: pytest.LogCaptureFixture) -> None:
    early = launch(client, platform, "s-1", LEARNER)
    gone = launch(client, platform, "s-9", LEARNER)  # later left the platform course
    teacher = launch(client, platform, "t-1", INSTRUCTOR)
    context = db.session.scalars(select(LtiContext)).one()
    assert context.memberships_url == platform.memberships_url(COURSE)
    platform.rosters[COURSE] = [
        [member("t-1", INSTRUCTOR), member("s-1"), member("s-2", name="Amina Diallo")],
        [member("s-3"), member("s-4", status="Inactive"), "not a member",
         {"roles": [LEARNER]}, {"user_id": 42, "roles": [LEARNER]},
         {"user_id": "s-5", "roles": "Learner"}],
        [member("s-2"), member("s-6", "Learner")],  # listed twice; the short role name
    ]
    page = client.get(f"/teach/classes/{class_id()}/students/").text
    assert "Update the class list from School Moodle" in page
    assert 'action="/teach/classes/' in page and "/class-list" in page

    with caplog.at_level(logging.WARNING, logger="lms.lti.roster"):
        response = client.post(f"/teach/classes/{class_id()}/class-list",
                               follow_redirects=True)
    assert response.status_code == 200
    assert ("The class list was updated from School Moodle. Added: 3. Already in the class: 1."
            in response.text)
    assert "could not be used and were skipped: 4." in response.text
    assert "No longer in the platform course, still in this class: Person s-9." in response.text
    assert "Last updated:" in response.text
    assert [page for _, page in platform.roster_requests] == [1, 2, 3]
    assert sum("skipped an unusable member entry" in r.message for r in caplog.records) == 4

    new = [account(sub) for sub in ("s-2", "s-3", "s-6")]
    assert all(user is not None for user in new) and account("s-4") is None
    assert new[0].display_name == "Amina Diallo"
    assert members_of(class_id()) == {early.id, gone.id, *(user.id for user in new)}
    assert teacher.id not in members_of(class_id())  # the instructor teaches it
    # The account made by the list is the one the learner's own launch logs into.
    assert launch(client, platform, "s-3", LEARNER).id == new[1].id
    assert db.session.scalar(select(func.count()).select_from(User)) == 6
    # Again: nothing new, nobody removed.
    launch(client, platform, "t-1", INSTRUCTOR)
    again = client.post(f"/teach/classes/{class_id()}/class-list", follow_redirects=True)
    assert "Added: 0. Already in the class: 4." in again.text


@pytest.mark.parametrize("failing", ["down", "halfway", "refused"])
def test_a_platform_that_fails_changes_nothing_and_says_so(
        client: FlaskClient, platform: Platform, failing: str) -> None:
    launch(client, platform, "t-1", INSTRUCTOR)
    platform.rosters[COURSE] = [[member("s-1")], [member("s-2")]]
    before = db.session.scalar(select(func.count()).select_from(User))
    if failing == "down":
        platform.down = True
    elif failing == "halfway":
        platform.roster_down_from = 2
    else:
        platform.refuse_tokens = True
    response = client.post(f"/teach/classes/{class_id()}/class-list")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "The class list could not be read from the platform, so nothing changed." in page.text
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert members_of(class_id()) == set()
    assert db.session.scalars(select(LtiContext.roster_synced_at)).one() is None


def test_without_the_service_there_is_no_button_and_nothing_to_read(client: FlaskClient,
                                                platform: Platform) -> None:
    launch(client, platform, "t-1", INSTRUCTOR, nrps=False)
    assert "Update the class list" not in client.get(
        f"/teach/classes/{class_id()}/students/").text
    response = client.post(f"/teach/classes/{class_id()}/class-list", follow_redirects=True)
    assert "This class has no class list to read from a platform." in response.text
    assert platform.roster_requests == []
    # A later launch that names the service brings the button.
    launch(client, platform, "t-1", INSTRUCTOR)
    assert "Update the class list from School Moodle" in client.get(
        f"/teach/classes/{class_id()}/students/").text


def test_only_the_classes_teachers_may_update_it(client: FlaskClient, platform: Platform,
                                                 make_user: Any, login: Any) -> None:
    launch(client, platform, "t-1", INSTRUCTOR)
    learner = launch(client, platform, "s-1", LEARNER)
    assert client.post(f"/teach/classes/{class_id()}/class-list").status_code == 403
    client.post("/account/logout")
    login(make_user(role="teacher"))
    assert client.post(f"/teach/classes/{class_id()}/class-list").status_code == 404
    assert platform.roster_requests == [] and learner is not None


def test_the_command_updates_every_class_and_reports_failures(
        runner: FlaskCliRunner, client: FlaskClient, platform: Platform) -> None:
    launch(client, platform, "t-1", INSTRUCTOR)
    platform.rosters[COURSE] = [[member("s-1"), member("s-2")]]
    result = runner.invoke(args=["lti", "sync-rosters"])
    assert result.exit_code == 0, result.output
    assert "3B Civics: 2 added, 0 already there, 0 skipped, 0 left the course" in result.output
    assert len(members_of(class_id())) == 2
    platform.down = True
    failed = runner.invoke(args=["lti", "sync-rosters"])
    assert failed.exit_code == 1
    assert "3B Civics: not read:" in failed.output and "1 failed" in failed.output


def test_a_list_already_in_the_class_costs_the_same_queries_however_long(
        client: FlaskClient, platform: Platform) -> None:
    from lms.db import utcnow
    from lms.lti import roster
    from tests.querycount import count_queries

    launch(client, platform, "t-1", INSTRUCTOR)
    context = db.session.scalars(select(LtiContext)).one()

    def sync_again(count: int) -> int:
        platform.rosters[COURSE] = [[member(f"s-{n}") for n in range(count)]]
        roster.sync_class(context, share_names=True, now=utcnow())  # adds them
        with count_queries() as statements:
            result = roster.sync_class(context, share_names=True, now=utcnow())
        assert result.added == 0 and result.present == count
        return len(statements)

    assert sync_again(3) == sync_again(12)
