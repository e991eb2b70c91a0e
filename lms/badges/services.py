"""Open Badges for certificates: the learner's download, the public copy of a credential.

Builds on :mod:`lms.certificates` services (never their views). Nothing is stored per
credential: it is made from the certificate on demand, so certificates issued before this
feature existed have one too. Each call reads the database and never the request.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from lms.auth.models import User
from lms.badges import baking, signing
from lms.badges.credentials import Facts, Urls, build_credential, jwt_claims, status_position
from lms.certificates.models import Certificate
from lms.certificates.services import find_certificate
from lms.config import PACKAGE_DIR
from lms.courses.lookup import choose_language
from lms.courses.models import Course, CourseText
from lms.db import db
from lms.urls import external_url

BADGE_IMAGE = PACKAGE_DIR / "static" / "lms" / "badge.png"


@dataclass(frozen=True)
class Issued:
    code: str
    course_title: str
    printed_name: str
    #: None when the certificate is revoked or replaced: no credential is handed out.
    token: str | None
    credential: dict[str, Any] | None

    @property
    def filename(self) -> str:
        return f"open-badge-{self.code}"


def _salt(code: str) -> str:
    # Derived from the secret key: the same credential on every download, and nothing to
    # store (or to erase when the account is deleted).
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"lms-badges-salt\0" + code.encode(), hashlib.sha256).hexdigest()[:32]


def _identity(user: User | None) -> tuple[str, str]:
    if user is None:
        return "identifier", "deleted"
    if user.email:
        return "emailAddress", user.email.strip().lower()
    return "userName", user.username


def _summary(certificate: Certificate) -> str:
    if certificate.course_id is None:
        return ""
    texts = {text.language: text for text in db.session.scalars(
        select(CourseText).where(CourseText.course_id == certificate.course_id))}
    course = db.session.get(Course, certificate.course_id)
    if not texts or course is None:
        return ""
    return texts[choose_language(texts, certificate.language, course.default_language)].summary


def urls_for(certificate: Certificate) -> Urls:
    list_number, _index = status_position(certificate.id)
    config = current_app.config
    return Urls(
        credential=external_url("lms.badges.credential", code=certificate.code),
        issuer=external_url("lms.badges.issuer"),
        achievement=external_url("lms.badges.achievement", slug=certificate.course_slug),
        image=external_url("lms.badges.achievement_image", slug=certificate.course_slug),
        status_list=external_url("lms.badges.status_list", number=list_number),
        website=config["LMS_ORGANISATION_URL"] or external_url("lms.site.home"),
    )


def credential_for(certificate: Certificate, *, include_name: bool) -> dict[str, Any]:
    """The unsigned credential of ``certificate`` (the holder hashed; named if asked)."""
    user = db.session.get(User, certificate.user_id) if certificate.user_id else None
    with force_locale(certificate.language):
        criteria = gettext(
            "Completed every required lesson and quiz of the course \u201c%(title)s\u201d "
            "(version %(version)s) on %(site)s.", title=certificate.course_title,
            version=certificate.course_version, site=current_app.config["LMS_SITE_NAME"])
    facts = Facts(
        code=certificate.code, certificate_id=certificate.id,
        organisation=current_app.config["LMS_ORGANISATION"],
        course_title=certificate.course_title, course_summary=_summary(certificate),
        course_version=certificate.course_version, language=certificate.language,
        criteria=criteria, completed_at=certificate.completed_at,
        issued_at=certificate.issued_at, identity=_identity(user),
        salt=_salt(certificate.code),
        name=certificate.printed_name if include_name else None)
    return build_credential(facts, urls_for(certificate))


def issue_for_owner(code: str, user_id: int, *, include_name: bool,
                    now: datetime) -> Issued | None:
    """The signed credential of the owner's certificate; None for anyone else (so: 404)."""
    certificate = find_certificate(code)
    if certificate is None or certificate.user_id != user_id:
        return None
    if not certificate.is_valid:
        return Issued(certificate.code, certificate.course_title, certificate.printed_name,
                      None, None)
    credential = credential_for(certificate, include_name=include_name)
    token = signing.sign(jwt_claims(credential), now=now)
    return Issued(certificate.code, certificate.course_title, certificate.printed_name,
                  token, credential)


def baked_badge(token: str) -> bytes:
    """The badge image with the signed credential baked in."""
    return baking.bake(BADGE_IMAGE.read_bytes(), token)


def public_credential(code: str) -> tuple[Certificate | None, dict[str, Any] | None]:
    """The credential anyone may fetch by its id: without the holder's name, and only while
    the certificate is valid (a revoked one's holder may have deleted their account)."""
    certificate = find_certificate(code)
    if certificate is None or not certificate.is_valid:
        return certificate, None
    return certificate, credential_for(certificate, include_name=False)
