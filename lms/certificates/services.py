"""Issuing, revoking, verifying and re-rendering certificates.

Each function owns its commit and never reads the request.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from lms import hooks
from lms.auth.models import User
from lms.certificates.codes import new_code, normalise_code
from lms.certificates.models import Certificate, CertificatePreference
from lms.certificates.naming import MAX_NAME_LENGTH, CertificateError, clean_printed_name
from lms.courses.models import Course, CourseText
from lms.courses.services import choose_language
from lms.db import db
from lms.db_reads import PreparedRead
from lms.signals import certificate_issued

log = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500
_SPACES = re.compile(r"\s+")
__all__ = ["MAX_NAME_LENGTH", "CertificateError", "clean_printed_name"]  # re-exported


@dataclass(frozen=True)
class Preference:
    printed_name: str
    language: str
    is_default: bool  # nothing chosen yet: the account's display name and language


def _supported(language: str | None) -> bool:
    return language in current_app.config["LMS_LANGUAGES"]


def get_preference(user_id: int) -> Preference:
    """The name and language future certificates of ``user_id`` will carry."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    stored = db.session.get(CertificatePreference, user_id)
    default_language = (
        user.language if _supported(user.language) else current_app.config["LMS_DEFAULT_LANGUAGE"]
    )
    if stored is None:
        return Preference(user.display_name, default_language, True)
    language = stored.language if _supported(stored.language) else default_language
    return Preference(stored.printed_name, language, False)


def set_preference(user_id: int, printed_name: str, language: str | None, *,
                   now: datetime) -> Preference:
    """Choose the printed name (and language) for certificates not issued yet."""
    name = clean_printed_name(printed_name)
    if language is not None and not _supported(language):
        raise CertificateError(_l("Please choose one of the languages offered."))
    stored = db.session.get(CertificatePreference, user_id)
    if stored is None:
        stored = CertificatePreference(user_id=user_id, printed_name=name)
        db.session.add(stored)
    stored.printed_name, stored.language, stored.updated_at = name, language, now
    try:
        db.session.commit()
    except IntegrityError:  # saved in another tab at the same moment: the last one wins
        db.session.rollback()
        return set_preference(user_id, printed_name, language, now=now)
    return get_preference(user_id)


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The certificate ``user_id`` holds for ``course_id`` today (not reissued, not revoked)."""
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.course_id == course_id,
                                  Certificate.reissued_at.is_(None),
                                  Certificate.revoked_at.is_(None))
    )


def _version_label(user_id: int, course: Course) -> str:
    """The version the learner completed: the label of the release they followed (a new
    version published meanwhile does not change what they earned)."""
    from lms.courses.models import CourseRelease
    from lms.progress.models import Enrollment

    release = db.session.scalar(select(Enrollment.release).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course.id))
    label = db.session.scalar(select(CourseRelease.version_label).where(
        CourseRelease.course_id == course.id, CourseRelease.number == release)) \
        if release else None
    return label or course.version


def issue_certificate(user_id: int, course_id: int, *, completed_at: datetime,
                      now: datetime, replaces: Certificate | None = None) -> Certificate:
    """Issue the current certificate of ``user_id`` for ``course_id`` with the name of their
    preference (confirmed on the claim page; see :mod:`lms.certificates.claims`).

    The PDF is not rendered here: the first download renders it (70-130 ms of WeasyPrint
    that no claim or quiz POST should wait for). Idempotent and safe under concurrency: the
    partial unique index over current certificates lets one insert win; every other caller
    gets that certificate back. ``replaces`` (already marked reissued or revoked, flushed
    in this transaction) is pointed at the new certificate.
    """
    existing = current_certificate(user_id, course_id)
    if existing is not None:
        return existing
    course = db.session.get(Course, course_id)
    if course is None:
        raise LookupError(f"no course {course_id}")
    preference = get_preference(user_id)
    texts = {text.language: text for text in
             db.session.scalars(select(CourseText).where(CourseText.course_id == course_id))}
    title_language = choose_language(texts, preference.language, course.default_language)
    fields: dict[str, Any] = {
        "user_id": user_id, "course_id": course_id, "course_slug": course.slug,
        "printed_name": clean_printed_name(preference.printed_name),
        "course_title": texts[title_language].title if texts else course.slug,
        "course_version": _version_label(user_id, course), "language": preference.language,
        "completed_at": completed_at, "issued_at": now,
    }
    for _attempt in range(5):
        certificate = Certificate(code=new_code(), **fields)
        db.session.add(certificate)
        try:
            if replaces is not None:
                db.session.flush()
                replaces.replaced_by_id = certificate.id
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
            if replaces is not None:  # its pending change is gone with the rollback
                raise
            existing = current_certificate(user_id, course_id)
            if existing is not None:  # issued concurrently by another request
                return existing
            # otherwise the random code collided: draw another
    else:
        raise RuntimeError("could not draw a unique certificate code")
    log.info("issued certificate %s to user %s for course %s", certificate.code, user_id,
             course.slug)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    certificate_issued.send(app, certificate_id=certificate.id)
    return certificate


def render_pdf(certificate_id: int, *, now: datetime) -> bool:
    """(Re-)render and store a certificate's PDF; False (and logged) if rendering failed.

    A failed render never loses the certificate: the record stays and the PDF is rendered
    on the first download or by ``lms certificates reissue``.
    """
    from lms.certificates.document import certificate_pdf_bytes

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise LookupError(f"no certificate {certificate_id}")
    course = db.session.get(Course, certificate.course_id) if certificate.course_id else None
    try:
        # The course's own template, also when another app server published the course.
        folder = hooks.course_folder_here(course.slug, course.source_dir) if course else None
        pdf = certificate_pdf_bytes(certificate, source_dir=folder)
    except Exception:  # WeasyPrint, fonts or a course template: log, keep the record
        log.exception("could not render the PDF of certificate %s", certificate.code)
        db.session.rollback()
        return False
    certificate.pdf, certificate.pdf_rendered_at = pdf, now
    db.session.commit()
    return True


def certificates_of(user_id: int) -> list[Certificate]:
    """A learner's certificates, newest first (without the PDF bytes)."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ))


def find_certificate(code: str) -> Certificate | None:
    """The certificate with ``code`` as typed (any case, spaces, look-alikes), or None."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == canonical))


@dataclass(frozen=True)
class Download:
    code: str
    filename: str
    #: None when the certificate is revoked: its PDF is never handed out again.
    pdf: bytes | None


_certificate = Certificate.__table__
# Every download of a stored PDF reads this one row (on the driver's cursor: lms.db_reads).
_OWNED = PreparedRead(
    select(_certificate.c.id, _certificate.c.code, _certificate.c.course_slug,
           _certificate.c.revoked_at, _certificate.c.reissued_at, _certificate.c.pdf)
    .where(_certificate.c.code == bindparam("code"),
           _certificate.c.user_id == bindparam("user_id")))


def download_for(code: str, user_id: int, *, now: datetime) -> Download | None:
    """The stored PDF of the owner's certificate; None for anyone else (so: 404).

    A revoked certificate gives a Download without a PDF: the stored file carries no mark
    of revocation, so handing it out would let it pass for a valid one.
    """
    canonical = normalise_code(code)
    if canonical is None:
        return None
    rows = _OWNED.rows({"code": canonical, "user_id": user_id})
    if not rows:
        return None
    certificate_id, found_code, course_slug, revoked_at, reissued_at, pdf = rows[0]
    filename = f"certificate-{course_slug}-{found_code}.pdf"
    if revoked_at is not None or reissued_at is not None:  # its old name is not handed out
        return Download(found_code, filename, None)
    if pdf is None:
        if not render_pdf(certificate_id, now=now):
            raise RuntimeError(f"certificate {found_code} cannot be rendered")
        pdf = db.session.scalar(select(Certificate.pdf).where(Certificate.id == certificate_id))
    return Download(found_code, filename, pdf)


def revoke_certificate(code: str, reason: str, *, by_user_id: int | None,
                       now: datetime, correctable: bool = False) -> Certificate:
    """Mark a certificate revoked, with the reason shown on the verify page.

    ``correctable``: the learner may claim the course's certificate again (a new code).
    """
    certificate = find_certificate(code)
    if certificate is None:
        raise LookupError(f"no certificate {code!r}")
    reason = _SPACES.sub(" ", reason or "").strip()
    if not reason:
        raise CertificateError(_l("Please give a reason."))
    if len(reason) > MAX_REASON_LENGTH:
        raise CertificateError(_l("The reason can have at most %(max)d characters.",
                                  max=MAX_REASON_LENGTH))
    if certificate.revoked_at is None:
        certificate.revoked_at = now
    certificate.revoked_reason, certificate.revoked_by_id = reason, by_user_id
    certificate.revoked_correctable = correctable
    db.session.commit()
    log.info("certificate %s revoked by user %s", certificate.code, by_user_id)
    return certificate


def certificate_ids(course_slug: str | None = None) -> list[int]:
    """Certificates to re-render: all valid ones, or one course's."""
    query = select(Certificate.id).where(Certificate.revoked_at.is_(None),
                                         Certificate.reissued_at.is_(None))
    if course_slug is not None:
        query = query.where(Certificate.course_slug == course_slug)
    return list(db.session.scalars(query.order_by(Certificate.id)))
