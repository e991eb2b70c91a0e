"""Class lists from the platforms: Names and Roles Provisioning Service 2.0 (NRPS).

A launch from a platform course that offers the service names its memberships URL (the
``namesroleservice`` claim; lms.lti.contexts keeps it on the course's :class:`LtiContext`).
Reading it enrols the course's learners in its class before they first launch: an account
is made for a learner not seen before by the launch's own account linking
(:func:`lms.lti.services.learner_for_launch`: the same account their first launch would
make, with no usable password, so they sign in only through the platform).

The whole list (every page, ``Link: <…>; rel="next"``) is read before anything is written:
a platform that fails halfway changes nothing. Entries we cannot use are skipped and logged.
Nobody is removed: a learner who left the platform course stays in the class (the teacher
removes them if they want), and the result names them.

The token is the tool's client-credentials token (lms.lti.ags, as for grades). The pages are
fetched here rather than by PyLTI1p3's ``NamesRolesProvisioningService``: its ServiceConnector
lower-cases the whole ``Link`` header before reading the next page's URL, which breaks a
platform whose page URLs are case-sensitive (Canvas' page bookmarks, for one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import requests
from sqlalchemy import select

from lms.auth.models import User
from lms.classes import teachers
from lms.classes.models import ClassMember, SchoolClass
from lms.db import db
from lms.lti import ags, services
from lms.lti.models import LtiContext, LtiIdentity, LtiRegistration

log = logging.getLogger(__name__)

SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
LEARNER_ROLES = {f"{MEMBERSHIP}#Learner", f"{MEMBERSHIP}/Learner#Learner", "Learner"}
INSTRUCTOR_ROLES = {f"{MEMBERSHIP}#Instructor", "Instructor"}
#: A platform that keeps answering "next page" must not hold a worker for ever.
MAX_PAGES = 500


class RosterError(Exception):
    """The class list could not be read; nothing was changed."""


@dataclass(frozen=True)
class Member:
    subject: str
    name: str | None


@dataclass
class SyncResult:
    class_name: str
    platform: str
    added: int = 0  # learners now in the class
    present: int = 0  # learners who already were
    skipped: int = 0  # entries we could not use (logged)
    #: Members of the class from this platform who are not in its course any more.
    left: list[str] = field(default_factory=list)


def _member(entry: Any) -> Member | None | bool:
    """The learner an entry names; False for an entry we cannot use; None for someone who
    is no learner (an instructor, an inactive or deleted membership)."""
    if not isinstance(entry, dict):
        return False
    subject, roles, name = entry.get("user_id"), entry.get("roles"), entry.get("name")
    if (not isinstance(subject, str) or not subject.strip() or len(subject) > 255
            or not isinstance(roles, list)):
        return False
    if entry.get("status", "Active") != "Active":
        return None
    role_names = {role for role in roles if isinstance(role, str)}
    if role_names & INSTRUCTOR_ROLES or not role_names & LEARNER_ROLES:
        return None  # instructors teach the class from their own launch
    return Member(subject.strip(), name.strip()[:120] or None if isinstance(name, str) else None)


def _page(session: requests.Session, url: str, token: str) -> tuple[list[Any], str | None]:
    try:
        response = session.get(url, headers={"Authorization": f"Bearer {token}",
                                             "Accept": MEMBERSHIPS}, allow_redirects=False)
    except requests.RequestException as error:
        raise RosterError(f"{type(error).__name__}: {error}"[:250]) from error
    if not response.ok:
        raise RosterError(ags.brief(response))
    try:
        body = response.json()
    except ValueError as error:
        raise RosterError("the answer is not JSON") from error
    if not isinstance(body, dict) or not isinstance(body.get("members"), list):
        raise RosterError("the answer has no list of members")
    following = response.links.get("next", {}).get("url")
    following = urljoin(url, following) if following else None
    if following is not None and not following.startswith(("https://", "http://")):
        raise RosterError("the next page is not a web address")
    return body["members"], following


def fetch_learners(registration: LtiRegistration, url: str) -> tuple[list[Member], int]:
    """Every learner of the memberships at ``url`` (all pages), and the number of entries
    skipped; :class:`RosterError` when the list cannot be read whole."""
    connector, session = ags.service_connector(registration)
    try:
        token = ags.service_token(connector, [SCOPE])
    except ags.SendError as error:
        raise RosterError(str(error)) from error
    learners: dict[str, Member] = {}
    skipped, pages, next_url = 0, 0, url
    while next_url is not None:
        pages += 1
        if pages > MAX_PAGES:
            raise RosterError(f"more than {MAX_PAGES} pages")
        entries, next_url = _page(session, next_url, token)
        for entry in entries:
            member = _member(entry)
            if member is False:
                skipped += 1
                log.warning("NRPS %s: skipped an unusable member entry: %.200r", url, entry)
            elif isinstance(member, Member):
                learners.setdefault(member.subject, member)
    return list(learners.values()), skipped


def context_of(class_id: int) -> LtiContext | None:
    """The platform course of a class whose platform offers its class list."""
    return db.session.scalar(select(LtiContext).where(
        LtiContext.class_id == class_id, LtiContext.memberships_url.is_not(None)))


def _known(registration_id: int, subjects: list[str]) -> dict[str, tuple[int, bool]]:
    """The accounts here of the platform's users ``subjects``: subject -> (user id, whether
    its owner deleted it), in one query. A deleted account is not made again by a class
    list (the learner's own next launch does that)."""
    if not subjects:
        return {}
    rows = db.session.execute(
        select(LtiIdentity.subject, User.id, User.deleted_at)
        .join(User, User.id == LtiIdentity.user_id)
        .where(LtiIdentity.registration_id == registration_id,
               LtiIdentity.subject.in_(subjects))).all()
    return {subject: (user_id, deleted_at is not None) for subject, user_id, deleted_at in rows}


def _left(class_id: int, registration_id: int, subjects: set[str]) -> list[str]:
    rows = db.session.execute(
        select(LtiIdentity.subject, User.display_name)
        .join(User, User.id == LtiIdentity.user_id)
        .join(ClassMember, ClassMember.user_id == LtiIdentity.user_id)
        .where(ClassMember.class_id == class_id, LtiIdentity.registration_id == registration_id,
               User.deleted_at.is_(None))
        .order_by(User.display_name)).all()
    return [name for subject, name in rows if subject not in subjects]


def sync_class(context: LtiContext, *, share_names: bool, now: datetime) -> SyncResult:
    """Enrol the learners of the context's platform course in its class (see the module)."""
    registration = db.session.get(LtiRegistration, context.registration_id)
    school_class = db.session.get(SchoolClass, context.class_id)
    assert registration is not None and school_class is not None  # cascades
    if context.memberships_url is None:
        raise RosterError("the platform offers no class list for this course")
    learners, skipped = fetch_learners(registration, context.memberships_url)
    result = SyncResult(school_class.name, registration.name, skipped=skipped)
    # Read once, not per learner: most of a list is already in the class on every sync.
    known = _known(registration.id, [learner.subject for learner in learners])
    members = set(db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == school_class.id)))
    for learner in learners:
        user_id, deleted = known.get(learner.subject, (None, False))
        if deleted:
            result.skipped += 1
            continue
        if user_id is None:
            user_id = services.learner_for_launch(
                issuer=registration.issuer, client_id=registration.client_id,
                subject=learner.subject, name=learner.name if share_names else None).id
        if user_id not in members and teachers.add_member(school_class.id, user_id, now=now):
            result.added += 1
        else:
            result.present += 1
    result.left = _left(school_class.id, registration.id, {m.subject for m in learners})
    context.roster_synced_at = now
    db.session.commit()
    log.info("class list of class %s from %s: %d added, %d already there, %d skipped, "
             "%d left the course", school_class.id, registration.issuer, result.added,
             result.present, result.skipped, len(result.left))
    return result


def sync_all(*, share_names: bool, now: datetime) -> list[tuple[str, SyncResult | str]]:
    """Every open class whose platform offers its class list: (class name, the result or
    why it failed). One platform that is down does not stop the others."""
    contexts = db.session.scalars(
        select(LtiContext).join(SchoolClass, SchoolClass.id == LtiContext.class_id)
        .where(LtiContext.memberships_url.is_not(None), SchoolClass.archived_at.is_(None))
        .order_by(LtiContext.id)).all()
    results: list[tuple[str, SyncResult | str]] = []
    for context in contexts:
        name = db.session.get(SchoolClass, context.class_id).name  # type: ignore[union-attr]
        try:
            results.append((name, sync_class(context, share_names=share_names, now=now)))
        except RosterError as error:
            db.session.rollback()
            log.warning("class list of class %s not read: %s", context.class_id, error)
            results.append((name, str(error)))
    return results
