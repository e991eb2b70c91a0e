"""Helpers for the Open Badges tests: a claimed certificate, the schema, jwcrypto checks.

The signing side is joserfc (lms.badges.signing); everything here verifies with jwcrypto,
a different library, so a bug shared by signer and verifier cannot hide.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft201909Validator
from jwcrypto import jwk, jws

from lms.auth.models import User
from lms.certificates import claims, services
from lms.certificates.models import Certificate
from lms.courses.models import Course, Item
from lms.db import db, utcnow
from lms.progress.services import mark_item_complete

SLUG = "sample-course"
SCHEMA = Path(__file__).parent / "data" / "openbadges" / "ob_v3p0_achievementcredential_schema.json"


def claim(user: User) -> Certificate:
    """Complete the sample course and claim its certificate."""
    from sqlalchemy import select

    course_id = db.session.scalar(select(Course.id).where(Course.slug == SLUG))
    for item_id in db.session.scalars(select(Item.id).where(
            Item.course_id == course_id, Item.required, Item.available)):
        mark_item_complete(user.id, item_id, now=utcnow())
    name = services.get_preference(user.id).printed_name
    return claims.claim_certificate(user.id, SLUG, name, None, shown_name=name, now=utcnow())


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """Everything 1EdTech's AchievementCredential schema finds wrong with ``credential``."""
    validator = Draft201909Validator(json.loads(SCHEMA.read_text()))
    return [f"{list(error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(credential)]


def site_keys(client: FlaskClient) -> jwk.JWKSet:
    response = client.get("/badges/jwks.json")
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.get_data(as_text=True))


def verify_with_jwcrypto(token: str, keys: jwk.JWKSet) -> dict[str, Any]:
    """The payload of ``token`` if its signature checks against ``keys``; raises otherwise."""
    signed = jws.JWS()
    signed.deserialize(token)
    kid = signed.jose_header["kid"]
    key = keys.get_key(kid)
    if key is None:
        raise LookupError(f"no published key {kid}")
    signed.verify(key, alg=signed.jose_header["alg"])
    return json.loads(signed.payload)


def download(client: FlaskClient, code: str, *, name: bool = False) -> str:
    response = client.get(f"/badges/{code}/credential.jwt" + ("?name=1" if name else ""))
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.get_data(as_text=True)


def check(client: FlaskClient, token: str | bytes) -> dict[str, Any]:
    """The verification endpoint's answer (JSON)."""
    if isinstance(token, bytes):
        response = client.post("/badges/verify", data=token, content_type="image/png")
    else:
        response = client.post("/badges/verify", json={"credential": token})
    assert response.status_code == 200, response.text
    return response.get_json()
