"""The tool's key pair: made on first use, stored in the database (every app server signs
with the same key and publishes the same JWKS). As in lms.badges.keys, the private key is
stored sealed by lms.sealed_keys (PKCS#8 encrypted with a key derived from the site's secret
key), so a database dump alone does not reveal it; it is never logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from pylti1p3.registration import Registration
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import sealed_keys
from lms.db import db
from lms.lti.models import LtiKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolKey:
    kid: str
    public_pem: str
    private_pem: str  # unencrypted, in memory only, for PyLTI1p3 to sign with


#: The sealed key's purpose label: changing it would lock out the key already stored.
PURPOSE = b"lms-lti-tool-key"


def _create() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    encrypted = sealed_keys.seal(private, purpose=PURPOSE,
                                 secret=current_app.config["SECRET_KEY"])
    # The kid PyLTI1p3 puts in the headers it signs: the JWK thumbprint of the public key.
    kid = Registration.get_jwk(public_pem)["kid"]
    db.session.add(LtiKey(kid=kid, public_pem=public_pem, private_pem=encrypted, active=True))
    try:
        db.session.commit()
        log.info("created the LTI tool key %s", kid)
    except IntegrityError:  # another server made one at the same moment: use theirs
        db.session.rollback()


def tool_key() -> ToolKey:
    """The active key pair, made on first use."""
    cache = current_app.extensions.setdefault("lms.lti.keys", {})
    row = db.session.scalars(select(LtiKey).where(LtiKey.active).order_by(LtiKey.id)).first()
    if row is None:
        _create()
        row = db.session.scalars(select(LtiKey).where(LtiKey.active).order_by(LtiKey.id)).first()
    assert row is not None
    if row.kid not in cache:  # decrypting is slow on purpose: once per process
        cache[row.kid] = sealed_keys.unseal(row.private_pem, purpose=PURPOSE,
                                            secret=current_app.config["SECRET_KEY"]).decode()
    return ToolKey(kid=row.kid, public_pem=row.public_pem, private_pem=cache[row.kid])


def public_jwks() -> dict[str, list[dict[str, object]]]:
    """The JWKS document of the tool's public keys (the first is made if there is none)."""
    tool_key()
    rows = db.session.scalars(select(LtiKey).where(LtiKey.active).order_by(LtiKey.id)).all()
    return {"keys": [dict(Registration.get_jwk(row.public_pem)) for row in rows]}
