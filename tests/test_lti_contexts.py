"""The platform's course (context claim) -> one class of ours (issue #19): instructors teach
it (the first owns it, the next ones are co-teachers with the same rights), learners are
its members. Plus the co-teacher rule in lms.classes on its own."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from lms.auth.models import Role, User
from lms.classes import services as classes
from lms.classes import teachers
from lms.classes.models import ClassMember, ClassTeacher, SchoolClass
from lms.db import db, utcnow
from lms.lti.models import LtiContext, LtiIdentity, LtiWaitingLearner
from lms.reminders.services import teachers_to_remind
from tests import test_lti
from tests.lti_platform import Platform
from tests.test_lti import start_launch

platform = test_lti.platform  # the fixture: a running platform, registered

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def launch_as(client: FlaskClient, platform: Platform, sub: str, role: str, *,
              context: str = "course-7", title: str = "3B Civics") -> User:
    client.post("/account/logout")
    platform.launch = {"sub": sub, "roles": [role], "name": f"Person {sub}",
                       "context": context, "context_title": title}
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302, response.text
    identity = db.session.scalar(select(LtiIdentity).where(LtiIdentity.subject == sub))
    return db.session.get(User, identity.user_id)


def test_instructors_teach_the_contexts_class_and_learners_join_it(
        client: FlaskClient, platform: Platform) -> None:
    # A learner before any instructor: no class yet (nobody could own it); they wait.
    early = launch_as(client, platform, "s-1", LEARNER)
    assert launch_as(client, platform, "s-1", LEARNER).id == early.id  # waits once
    assert db.session.scalars(select(LtiContext)).all() == []
    assert [w.user_id for w in db.session.scalars(select(LtiWaitingLearner))] == [early.id]

    first = launch_as(client, platform, "t-1", INSTRUCTOR)
    context = db.session.scalars(select(LtiContext)).one()
    school_class = db.session.get(SchoolClass, context.class_id)
    assert school_class.name == "3B Civics" and school_class.teacher_id == first.id
    assert first.role == Role.TEACHER
    # The learner who came first is in the class at once, on the instructor's pages too.
    assert db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == school_class.id)).all() == [early.id]
    assert "Person s-1" in client.get(f"/teach/classes/{school_class.id}/students/").text

    second = launch_as(client, platform, "t-2", INSTRUCTOR)
    assert second.role == Role.TEACHER
    assert [t.user_id for t in db.session.scalars(select(ClassTeacher))] == [second.id]
    # A co-teacher sees the class in their list and its dashboard.
    assert "3B Civics" in client.get("/teach/classes/").text
    assert client.get(f"/teach/classes/{school_class.id}/").status_code == 200
    assert client.get(f"/teach/classes/{school_class.id}/students/").status_code == 200

    learner = launch_as(client, platform, "s-2", LEARNER)
    again = launch_as(client, platform, "s-1", LEARNER)  # nothing changes for them
    assert again.id == early.id and learner.role == Role.STUDENT
    members = db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == school_class.id)).all()
    assert sorted(members) == sorted([learner.id, early.id])
    assert db.session.scalars(select(LtiWaitingLearner)).all() == []
    # Launching again changes nothing; another context gets its own class.
    launch_as(client, platform, "t-2", INSTRUCTOR)
    launch_as(client, platform, "s-2", LEARNER)
    assert len(db.session.scalars(select(ClassMember)).all()) == 2
    launch_as(client, platform, "t-2", INSTRUCTOR, context="course-8", title="4A")
    assert len(db.session.scalars(select(SchoolClass)).all()) == 2


def test_a_launch_without_a_context_joins_no_class(client: FlaskClient,
                                                   platform: Platform) -> None:
    client.post("/account/logout")
    platform.launch = {"sub": "t-9", "roles": [INSTRUCTOR]}
    assert client.post("/lti/launch", data=start_launch(client, platform)).status_code == 302
    assert db.session.scalars(select(SchoolClass)).all() == []


def test_a_co_teacher_has_the_teachers_rights_and_nobody_else_does(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    owner, other = make_user(role="teacher"), make_user(role="teacher")
    co = make_user(role="teacher", email="co@school.example")
    student = make_user(display_name="Mario Bianchi")
    school_class = classes.create_class(owner.id, "5C", None, now=utcnow())
    class_id = school_class.id
    assert teachers.add_teacher(class_id, co.id, now=utcnow())
    assert not teachers.add_teacher(class_id, co.id, now=utcnow())  # once
    assert not teachers.add_teacher(class_id, owner.id, now=utcnow())
    assert teachers.add_member(class_id, student.id, now=utcnow())
    assert not teachers.add_member(class_id, co.id, now=utcnow())  # a teacher is no member

    assert classes.visible_class(class_id, viewer_id=co.id, is_admin=False) is not None
    assert classes.visible_class(class_id, viewer_id=other.id, is_admin=False) is None
    assert [s.school_class.id for s in classes.teacher_classes(co.id)] == [class_id]
    assert classes.wears_a_teachers_name(student.id, co.display_name)
    assert co.id in {t.id for t in teachers_to_remind()}  # the weekly digest too
    code = school_class.join_code
    try:
        classes.join_class(co.id, code, now=utcnow())
    except classes.ClassError as error:
        assert error.reason == "own_class"
    else:
        raise AssertionError("a co-teacher joined their own class as a student")

    login(co)
    for path in ("", "students/", "assign", "export.csv", f"students/{student.id}/"):
        assert client.get(f"/teach/classes/{class_id}/{path}").status_code == 200, path
    client.post("/account/logout")
    login(other)
    assert client.get(f"/teach/classes/{class_id}/").status_code == 404
    assert client.get(f"/teach/classes/{class_id}/students/").status_code == 404
    client.post("/account/logout")
    login(student)
    assert client.get(f"/teach/classes/{class_id}/").status_code == 403


def test_a_student_made_co_teacher_leaves_the_members(make_user: Callable[..., User]) -> None:
    owner, student = make_user(role="teacher"), make_user()
    class_id = classes.create_class(owner.id, "5D", None, now=utcnow()).id
    teachers.add_member(class_id, student.id, now=utcnow())
    assert teachers.add_teacher(class_id, student.id, now=utcnow())
    assert db.session.scalars(select(ClassMember)).all() == []


def test_the_learners_data_download_names_every_teacher_of_the_class(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    owner = make_user(role="teacher", display_name="Ada Owner")
    first_co = make_user(role="teacher", display_name="Bea Second")
    second_co = make_user(role="teacher", display_name="Cy Third")
    student = make_user()
    class_id = classes.create_class(owner.id, "5E", None, now=utcnow()).id
    teachers.add_teacher(class_id, first_co.id, now=utcnow())
    teachers.add_teacher(class_id, second_co.id, now=utcnow())
    teachers.add_member(class_id, student.id, now=utcnow())
    classes.create_class(owner.id, "5F", None, now=utcnow())  # taught by the owner alone
    login(student)
    data = client.get("/account/data.json").get_json()
    [membership] = data["class_memberships"]
    assert membership["class"] == "5E" and membership["teacher"] == "Ada Owner"
    assert membership["co_teachers"] == ["Bea Second", "Cy Third"]


def test_a_learner_whose_class_appeared_meanwhile_joins_it_at_once(
        client: FlaskClient, platform: Platform) -> None:
    """The race with an instructor's first launch on another server: the learner's launch
    found no class, but the class exists by the time its waiting row is written."""
    from lms.lti import contexts

    launch_as(client, platform, "t-1", INSTRUCTOR)
    context = db.session.scalars(select(LtiContext)).one()
    learner = launch_as(client, platform, "s-1", LEARNER, context="course-9")  # waits there
    assert contexts._wait(context.registration_id, "course-7", learner.id,
                          now=utcnow()) == context.class_id
    assert db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == context.class_id)).all() == [learner.id]
    assert [(w.context_id, w.user_id) for w in db.session.scalars(
        select(LtiWaitingLearner))] == [("course-9", learner.id)]
