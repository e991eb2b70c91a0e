"""A platform's course (the launch's context) -> one class of ours per registration and
context id. Instructors become teacher accounts and teach the class (the first one makes it
and is its ``teacher_id``; the next ones are co-teachers, lms.classes.teachers); learners are
enrolled. Everything goes through lms.classes' services."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Role, User
from lms.auth.services import apply_role
from lms.classes import services as classes
from lms.classes import teachers
from lms.db import db
from lms.lti.models import LtiContext, LtiWaitingLearner

log = logging.getLogger(__name__)

CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
#: The short form LTI 1.3 allows for context roles ("Instructor").
SHORT_INSTRUCTOR = "Instructor"


def is_instructor(claims: dict[str, Any]) -> bool:
    roles = claims.get(ROLES) or []
    return isinstance(roles, list) and any(
        role in (INSTRUCTOR, SHORT_INSTRUCTOR) for role in roles if isinstance(role, str))


def _context(claims: dict[str, Any]) -> tuple[str, str] | None:
    """``(id, title)`` of the launch's context, or None without one."""
    context = claims.get(CONTEXT)
    if not isinstance(context, dict) or not str(context.get("id") or "").strip():
        return None
    title = str(context.get("title") or context.get("label") or "").strip()
    return str(context["id"]).strip()[:255], title


def memberships_url(claims: dict[str, Any]) -> str | None:
    """The course's Names and Roles service (NRPS 2.0) named by the launch, if usable."""
    service = claims.get(NRPS)
    url = service.get("context_memberships_url") if isinstance(service, dict) else None
    if not isinstance(url, str) or len(url) > 1000 or not url.startswith(
            ("https://", "http://")):
        return None
    return url


def make_teacher(user: User) -> None:
    """A platform's instructor gets a teacher account (a trainer or admin keeps theirs)."""
    if user.role == Role.STUDENT:
        apply_role(user, Role.TEACHER)
        db.session.commit()
        log.info("LTI instructor %s is now a teacher", user.username)


def _find(registration_id: int, context_id: str) -> LtiContext | None:
    return db.session.scalar(select(LtiContext).where(
        LtiContext.registration_id == registration_id, LtiContext.context_id == context_id))


def assign_linked(class_id: int, course_id: int, module_id: int | None, *,
                  now: datetime) -> None:
    """Assign what an instructor linked to the class of their platform course, without a due
    date (the platform keeps that); an assignment the teacher already has stays as it is."""
    if classes.find_assignment(class_id, course_id, module_id) is None:
        try:
            classes.assign(class_id, course_id, module_id, None, now=now)
        except classes.ClassError as error:  # made unavailable meanwhile: the link still works
            log.info("LTI link not assigned to class %s: %s", class_id, error)


def class_for_context(registration_id: int, claims: dict[str, Any], user: User, *,
                      now: datetime) -> int | None:
    """The class of the launch's context, made by its first instructor's launch; the user
    joins it as a teacher (instructors) or member (everyone else). None without a context,
    or for a learner before any instructor launched (the class has no teacher to own it
    yet): that learner waits (:class:`LtiWaitingLearner`) and the instructor's launch that
    makes the class enrols them."""
    context = _context(claims)
    if context is None:
        return None
    context_id, title = context
    instructor = is_instructor(claims)
    if instructor:
        make_teacher(user)
    found = _find(registration_id, context_id)
    if found is None:
        if not instructor:
            return _wait(registration_id, context_id, user.id, now=now)
        school_class = classes.create_class(user.id, title or context_id, None, now=now)
        db.session.add(LtiContext(registration_id=registration_id, context_id=context_id,
                                  class_id=school_class.id, created_at=now,
                                  memberships_url=memberships_url(claims)))
        try:
            db.session.commit()
        except IntegrityError:  # another instructor's first launch won on another server
            db.session.rollback()
            db.session.delete(school_class)
            db.session.commit()
            found = _find(registration_id, context_id)
            assert found is not None
        else:
            log.info("LTI context %s -> class %s", context_id, school_class.id)
            enrol_waiting(registration_id, context_id, school_class.id, now=now)
            return school_class.id
    url = memberships_url(claims)
    if url is not None and url != found.memberships_url:
        # The platform may move its service: the newest signed launch has the address.
        found.memberships_url = url
        db.session.commit()
    if instructor:
        teachers.add_teacher(found.class_id, user.id, now=now)
    else:
        teachers.add_member(found.class_id, user.id, now=now)
    return found.class_id


def _wait(registration_id: int, context_id: str, user_id: int, *,
          now: datetime) -> int | None:
    """Remember a learner of a context without a class. Checking for the class again after
    the row is written closes the race with an instructor's first launch on another server:
    either that launch sees this row, or this one sees its class."""
    db.session.add(LtiWaitingLearner(registration_id=registration_id, context_id=context_id,
                                     user_id=user_id, launched_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # already waiting (an earlier launch)
        db.session.rollback()
    found = _find(registration_id, context_id)
    if found is None:
        log.info("LTI context %s has no class yet: learner %s waits for an instructor",
                 context_id, user_id)
        return None
    enrol_waiting(registration_id, context_id, found.class_id, now=now)
    return found.class_id


def enrol_waiting(registration_id: int, context_id: str, class_id: int, *,
                  now: datetime) -> int:
    """Enrol the learners who launched from the context before its class existed; the
    number enrolled."""
    waiting = db.session.scalars(select(LtiWaitingLearner).where(
        LtiWaitingLearner.registration_id == registration_id,
        LtiWaitingLearner.context_id == context_id).order_by(LtiWaitingLearner.id)).all()
    user_ids = [row.user_id for row in waiting]
    # A bulk delete: two servers enrolling the same learners must not fail on the row the
    # other one already removed (add_member takes each learner once).
    db.session.execute(delete(LtiWaitingLearner).where(
        LtiWaitingLearner.id.in_([row.id for row in waiting])))
    db.session.commit()
    enrolled = sum(teachers.add_member(class_id, user_id, now=now) for user_id in user_ids)
    if user_ids:
        log.info("LTI context %s: %d waiting learners joined class %s", context_id, enrolled,
                 class_id)
    return enrolled
