"""What the site publishes for verifiers: the issuer Profile, each course's Achievement,
the public keys (JWKS) and the revocation status lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from lms.badges import keys, signing
from lms.badges.bitstring import encode_list
from lms.badges.credentials import OB_CONTEXT, STATUS_LIST_SIZE, VC_CONTEXT, timestamp
from lms.certificates.models import Certificate
from lms.courses.models import Course, CourseText
from lms.db import db
from lms.urls import external_url


def issuer_profile() -> dict[str, Any]:
    config = current_app.config
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": external_url("lms.badges.issuer"),
        "type": ["Profile"],
        "name": config["LMS_ORGANISATION"],
        "url": config["LMS_ORGANISATION_URL"] or external_url("lms.site.home"),
    }


def achievement(slug: str) -> dict[str, Any] | None:
    """A course's Achievement in its default language (credentials carry it in theirs)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None
    text = db.session.scalar(select(CourseText).where(
        CourseText.course_id == course.id, CourseText.language == course.default_language))
    title = text.title if text else slug
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": external_url("lms.badges.achievement", slug=slug),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": title,
        "description": (text.summary if text else "") or title,
        "image": {"id": external_url("lms.badges.achievement_image", slug=slug),
                  "type": "Image"},
        "version": course.version,
        "inLanguage": course.default_language,
    }


def jwks() -> dict[str, Any]:
    """Every published public key (the signing one and the rotated ones), by ``kid``."""
    return {"keys": [keys.public_jwk(row, signing.key_id(row.thumbprint))
                     for row in keys.published_keys()]}


def revoked_in_list(number: int) -> list[int]:
    """Indexes (in list ``number``) of certificates revoked or replaced."""
    first = number * STATUS_LIST_SIZE
    ids = db.session.scalars(select(Certificate.id).where(
        Certificate.id >= first, Certificate.id < first + STATUS_LIST_SIZE,
        or_(Certificate.revoked_at.is_not(None), Certificate.reissued_at.is_not(None))))
    return [certificate_id - first for certificate_id in ids]


def status_list_credential(number: int, *, now: datetime) -> str:
    """The signed BitstringStatusListCredential of list ``number``, read from the
    certificates at each request: a revocation shows at once."""
    url = external_url("lms.badges.status_list", number=number)
    credential = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": external_url("lms.badges.issuer"),
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked_in_list(number), STATUS_LIST_SIZE),
        },
    }
    claims = {"iss": credential["issuer"], "jti": url, "iat": int(now.timestamp()),
              "vc": credential}
    return signing.sign(claims, now=now)
