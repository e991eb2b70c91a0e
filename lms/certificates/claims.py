"""Claiming a certificate after confirming the name, reissuing it after a name fix, and the
public history of a certificate.

Completing a course no longer issues anything: the certificate is *ready to claim* until the
learner has seen the name exactly as it will print and confirmed it. Each function owns its
commit and never reads the request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from lms.certificates.models import Certificate
from lms.certificates.naming import CertificateError, clean_printed_name
from lms.certificates.services import (
    current_certificate,
    find_certificate,
    get_preference,
    issue_certificate,
    set_preference,
)
from lms.courses.lookup import choose_language
from lms.courses.models import Course, CourseText
from lms.db import db
from lms.progress.models import Enrollment

log = logging.getLogger(__name__)

#: How many times a learner may reissue a certificate of a course by themselves; after that
#: an administrator does it (a name should not change every week on a document others trust).
SELF_REISSUES = 1


@dataclass(frozen=True)
class Claimable:
    """A completed course whose certificate the learner has not claimed (yet, or again)."""

    course_id: int
    course_slug: str
    title: str
    completed_at: datetime


def claimable_courses(user_id: int, language: str = "en") -> list[Claimable]:
    """Completed certificate courses without a current certificate and without one revoked
    for good (a revocation not marked correctable); titles in ``language`` where the course
    has it."""
    final = aliased(Certificate)
    current = aliased(Certificate)
    rows = db.session.execute(
        select(Course.id, Course.slug, Course.default_language, Enrollment.completed_at)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user_id, Enrollment.completed_at.is_not(None),
               Course.certificate_enabled,
               ~exists().where(current.user_id == user_id, current.course_id == Course.id,
                               current.revoked_at.is_(None), current.reissued_at.is_(None)),
               ~exists().where(final.user_id == user_id, final.course_id == Course.id,
                               final.revoked_at.is_not(None), ~final.revoked_correctable,
                               final.replaced_by_id.is_(None)))
        .order_by(Enrollment.completed_at.desc())
    ).all()
    titles: dict[int, dict[str, str]] = {}
    for course_id, text_language, title in db.session.execute(
            select(CourseText.course_id, CourseText.language, CourseText.title)
            .where(CourseText.course_id.in_([row[0] for row in rows]))):
        titles.setdefault(course_id, {})[text_language] = title
    claimable = []
    for course_id, slug, default, completed_at in rows:
        texts = titles.get(course_id, {})
        title = texts[choose_language(texts, language, default)] if texts else slug
        claimable.append(Claimable(course_id, slug, title, completed_at))
    return claimable


def find_claimable(user_id: int, course_slug: str, language: str = "en") -> Claimable | None:
    return next((c for c in claimable_courses(user_id, language)
                 if c.course_slug == course_slug), None)


def _check_confirmed(printed_name: str, shown_name: str) -> str:
    """The cleaned name, if it is the one the learner saw printed on the page; otherwise
    :class:`NameChanged` (the page shows the new preview and asks again)."""
    name = clean_printed_name(printed_name)
    if name != shown_name:
        raise NameChanged(name)
    return name


class NameChanged(CertificateError):
    """The learner edited the name: show how it prints, and ask to confirm again."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def claim_certificate(user_id: int, course_slug: str, printed_name: str, language: str | None,
                      *, shown_name: str, now: datetime) -> Certificate:
    """Issue the certificate of a completed course with the name the learner confirmed.

    ``shown_name`` is the name the confirmation page displayed as printed; a different
    (cleaned) ``printed_name`` raises :class:`NameChanged` and issues nothing.
    """
    claim = find_claimable(user_id, course_slug)
    if claim is None:
        raise LookupError(f"nothing to claim in {course_slug!r}")
    name = _check_confirmed(printed_name, shown_name)
    set_preference(user_id, name, language or get_preference(user_id).language, now=now)
    # A certificate revoked as correctable points to the new one, so its page leads there.
    revoked = db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.course_id == claim.course_id,
                                  Certificate.revoked_at.is_not(None),
                                  Certificate.replaced_by_id.is_(None))
        .order_by(Certificate.id.desc()).limit(1))
    try:
        return issue_certificate(user_id, claim.course_id, completed_at=claim.completed_at,
                                 now=now, replaces=revoked)
    except IntegrityError:  # claimed in another tab at the same moment: that one counts
        existing = current_certificate(user_id, claim.course_id)
        if existing is None:
            raise
        return existing


def self_reissues_left(certificate: Certificate) -> int:
    """How many reissues the holder may still make of this course's certificate."""
    if certificate.user_id is None:
        return 0
    done = db.session.scalar(
        select(func.count(Certificate.id)).where(
            Certificate.user_id == certificate.user_id,
            Certificate.course_slug == certificate.course_slug,
            Certificate.reissued_by_id == certificate.user_id))
    return max(0, SELF_REISSUES - (done or 0))


def reissue_certificate(code: str, printed_name: str, *, shown_name: str, by_user_id: int,
                        by_admin: bool, now: datetime) -> Certificate:
    """Replace a valid certificate by a new one (new code) carrying ``printed_name``.

    The holder may do this :data:`SELF_REISSUES` time(s) per course, an administrator any
    time. The old certificate stays verifiable, marked reissued, pointing to the new one; its
    PDF is dropped so the old name is not handed out again.
    """
    old = find_certificate(code)
    if old is None or old.user_id is None or old.course_id is None:
        raise LookupError(f"no certificate {code!r} to reissue")
    if not by_admin and (old.user_id != by_user_id or self_reissues_left(old) < 1):
        raise PermissionError("reissue not allowed")
    if not old.is_valid:
        raise CertificateError(_l("Only a valid certificate can be reissued."))
    name = _check_confirmed(printed_name, shown_name)
    if name == old.printed_name:
        raise CertificateError(_l("This is already the name on the certificate."))
    # The corrected name is also the one the holder's next certificates carry.
    set_preference(old.user_id, name, get_preference(old.user_id).language, now=now)
    old = find_certificate(code)  # set_preference committed: reload
    assert old is not None and old.user_id is not None and old.course_id is not None
    old.reissued_at, old.reissued_by_id, old.pdf, old.pdf_rendered_at = now, by_user_id, None, None
    try:
        new = issue_certificate(old.user_id, old.course_id, completed_at=old.completed_at,
                                now=now, replaces=old)
    except IntegrityError as error:  # reissued by someone else at the same moment
        raise CertificateError(_l("This certificate was reissued in the meantime.")) from error
    log.info("certificate %s reissued as %s by user %s", code, new.code, by_user_id)
    return new


@dataclass(frozen=True)
class HistoryEntry:
    code: str
    issued_at: datetime
    status: str  # "valid", "reissued" or "revoked"
    changed_at: datetime | None


def history(certificate: Certificate) -> tuple[Certificate, list[HistoryEntry]]:
    """The latest certificate of ``certificate``'s chain and every certificate of the chain,
    oldest first: codes, dates and statuses only (names of earlier certificates are not
    shown publicly: a name fix can be exactly what a learner does not want shown)."""
    latest, seen = certificate, {certificate.id}
    while latest.replaced_by_id is not None and latest.replaced_by_id not in seen:
        following = db.session.get(Certificate, latest.replaced_by_id)
        if following is None:
            break
        latest = following
        seen.add(latest.id)
    chain, frontier = [latest], [latest.id]
    while frontier:  # walk back: who was replaced by these?
        earlier = list(db.session.scalars(
            select(Certificate).where(Certificate.replaced_by_id.in_(frontier))))
        earlier = [c for c in earlier if c.id not in {x.id for x in chain}]
        chain.extend(earlier)
        frontier = [c.id for c in earlier]
    chain.sort(key=lambda c: (c.issued_at, c.id))
    return latest, [HistoryEntry(
        c.code, c.issued_at,
        "revoked" if c.is_revoked else "reissued" if c.is_reissued else "valid",
        c.revoked_at or c.reissued_at) for c in chain]


__all__ = ["Claimable", "NameChanged", "claim_certificate", "claimable_courses",
           "current_certificate", "history", "reissue_certificate", "self_reissues_left"]
