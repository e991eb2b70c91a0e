"""What an OpenBadgeCredential issued for a certificate says (Open Badges 3.0 on the W3C
Verifiable Credentials data model 2.0). Pure: values in, a JSON-ready dict out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SCHEMA_URL = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
              "ob_v3p0_achievementcredential_schema.json")
#: Bits in one status list: the 16 KB minimum of the Bitstring Status List spec, so a list
#: does not reveal which few credentials a verifier asked about.
STATUS_LIST_SIZE = 131_072


@dataclass(frozen=True)
class Urls:
    """The public addresses a credential points to (built by the views' caller)."""

    credential: str
    issuer: str
    achievement: str
    image: str
    status_list: str
    website: str


@dataclass(frozen=True)
class Facts:
    """What the credential states, copied from the certificate and its course."""

    code: str
    certificate_id: int
    organisation: str
    course_title: str
    course_summary: str
    course_version: str
    language: str
    criteria: str
    completed_at: datetime
    issued_at: datetime
    #: (identityType, identifier) of the holder, hashed with the salt; e.g. the email.
    identity: tuple[str, str]
    salt: str
    #: The printed name, only when the learner chose to include it.
    name: str | None = None


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a Z, as the VC data model requires."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC datetimes
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(identifier: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex SHA-256 of the identifier followed by the salt."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode()).hexdigest()


def status_position(certificate_id: int) -> tuple[int, int]:
    """(list number, index in the list) of a certificate's revocation bit."""
    return divmod(certificate_id, STATUS_LIST_SIZE)


def build_credential(facts: Facts, urls: Urls) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for one certificate."""
    kind, identifier = facts.identity
    identifiers = [{"type": "IdentityObject", "identityType": kind, "hashed": True,
                    "identityHash": identity_hash(identifier, facts.salt), "salt": facts.salt}]
    if facts.name:  # the learner's choice: their name in the clear
        identifiers.append({"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": facts.name})
    _list, index = status_position(facts.certificate_id)
    achievement = {
        "id": urls.achievement,
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": facts.course_title,
        "description": facts.course_summary or facts.course_title,
        "criteria": {"narrative": facts.criteria},
        "image": {"id": urls.image, "type": "Image"},
        "version": facts.course_version,
        "inLanguage": facts.language,
        "creator": {"id": urls.issuer, "type": ["Profile"]},
    }
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": urls.credential,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.course_title,
        "issuer": {"id": urls.issuer, "type": ["Profile"], "name": facts.organisation,
                   "url": urls.website},
        "validFrom": timestamp(facts.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "activityEndDate": timestamp(facts.completed_at),
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": f"{urls.status_list}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": urls.status_list,
        },
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The VC-JWT payload (OB 3.0, JSON Web Token proof format): the credential in ``vc``
    plus the registered claims that mirror it."""
    valid_from = datetime.strptime(credential["validFrom"], "%Y-%m-%dT%H:%M:%SZ")
    return {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(valid_from.replace(tzinfo=UTC).timestamp()),
        "vc": credential,
    }
