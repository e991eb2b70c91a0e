"""The site's signing keys: made on first use, rotated by ``lms badges rotate-key``.

Each function owns its commit. The private key never leaves this module unencrypted except
as an in-memory key object for signing; it is never logged, never published, and not part
of any personal-data download.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from flask import current_app
from joserfc.jwk import OKPKey, RSAKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import sealed_keys
from lms.badges.models import BadgeKey
from lms.db import db

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "EdDSA")
JWKey = OKPKey | RSAKey


class UnknownKey(LookupError):
    """No key matches (``lms badges withdraw-key`` with an unknown or ambiguous id)."""


@dataclass(frozen=True)
class SigningKey:
    thumbprint: str
    algorithm: str
    key: JWKey


#: The sealed keys' purpose label (lms.sealed_keys derives their password from it and the
#: secret key, never exposing LMS_SECRET_KEY): changing it would lock out the stored keys.
PURPOSE = b"lms-badges-signing-key"


def _generate(algorithm: str) -> JWKey:
    if algorithm == "EdDSA":
        return OKPKey.generate_key("Ed25519")
    if algorithm == "RS256":
        return RSAKey.generate_key(2048)
    raise ValueError(f"unsupported algorithm {algorithm!r}; choose one of {ALGORITHMS}")


def _encrypt(key: JWKey) -> bytes:
    return sealed_keys.seal_pem(key.as_pem(private=True), purpose=PURPOSE,
                                secret=current_app.config["SECRET_KEY"])


def _decrypted_keys() -> dict[str, JWKey]:
    # Decrypting the PEM takes a quarter of a second (its key derivation is slow on purpose),
    # so each process keeps the keys it has opened, by thumbprint, for the app's lifetime.
    return current_app.extensions.setdefault("lms.badges.keys", {})


def _decrypt(row: BadgeKey) -> JWKey | None:
    cache = _decrypted_keys()
    if row.thumbprint in cache:
        return cache[row.thumbprint]
    try:
        pem = sealed_keys.unseal(row.private_pem, purpose=PURPOSE,
                                 secret=current_app.config["SECRET_KEY"])
    except (ValueError, TypeError):  # the secret key changed since the key was made
        return None
    key = (OKPKey if row.algorithm == "EdDSA" else RSAKey).import_key(pem)
    cache[row.thumbprint] = key
    return key


def load_key_file(path: str) -> tuple[str, JWKey]:
    """(algorithm, key) of a configured PEM private key: Ed25519 signs with EdDSA, RSA (2048
    bits or more) with RS256. Raises ValueError (or OSError) with the reason otherwise."""
    data = Path(path).read_bytes()
    private = serialization.load_pem_private_key(data, password=None)
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return "EdDSA", OKPKey.import_key(data)
    if isinstance(private, rsa.RSAPrivateKey) and private.key_size >= 2048:
        return "RS256", RSAKey.import_key(data)
    raise ValueError("expected an Ed25519 or RSA (2048 bits or more) private key")


def _configured(now: datetime) -> SigningKey | None:
    """The key of LMS_BADGES_KEY_FILE, its public half recorded (never its private half) so
    that it is published and what it signed verifies after the file is replaced."""
    path = current_app.config.get("LMS_BADGES_KEY_FILE")
    if not path:
        return None
    algorithm, key = load_key_file(path)
    if find_key(key.thumbprint()) is None:
        db.session.add(BadgeKey(thumbprint=key.thumbprint(), algorithm=algorithm,
                                public_jwk=json.dumps(key.as_dict(private=False), sort_keys=True),
                                private_pem=b"", signing=False, created_at=now))
        try:
            db.session.commit()
        except IntegrityError:  # recorded by another server at the same moment
            db.session.rollback()
    return SigningKey(key.thumbprint(), algorithm, key)


def _new_row(algorithm: str, now: datetime) -> tuple[BadgeKey, JWKey]:
    key = _generate(algorithm)
    row = BadgeKey(thumbprint=key.thumbprint(), algorithm=algorithm,
                   public_jwk=json.dumps(key.as_dict(private=False), sort_keys=True),
                   private_pem=_encrypt(key), signing=True, created_at=now)
    return row, key


def signing_key(*, now: datetime) -> SigningKey:
    """The key that signs today: LMS_BADGES_KEY_FILE's, or the stored one, made on first
    use (LMS_BADGES_ALGORITHM)."""
    configured = _configured(now)
    if configured is not None:
        return configured
    row = db.session.scalar(select(BadgeKey).where(BadgeKey.signing))
    if row is not None:
        key = _decrypt(row)
        if key is not None:
            return SigningKey(row.thumbprint, row.algorithm, key)
        log.warning("the Open Badges signing key %s cannot be read with this LMS_SECRET_KEY; "
                    "a new key replaces it (credentials signed earlier still verify)",
                    row.thumbprint)
        rotate_key(now=now)
        return signing_key(now=now)
    row, key = _new_row(current_app.config["LMS_BADGES_ALGORITHM"], now)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # another server made the first key at the same moment
        db.session.rollback()
        return signing_key(now=now)
    log.info("made the Open Badges signing key %s (%s)", row.thumbprint, row.algorithm)
    return SigningKey(row.thumbprint, row.algorithm, key)


def rotate_key(*, now: datetime, algorithm: str | None = None) -> BadgeKey:
    """Retire the signing key (its public key stays published) and make a new one."""
    algorithm = algorithm or current_app.config["LMS_BADGES_ALGORITHM"]
    old = db.session.scalar(select(BadgeKey).where(BadgeKey.signing))
    if old is not None:
        old.signing, old.retired_at = False, now
        db.session.flush()  # the partial unique index sees the old key retired first
    row, _key = _new_row(algorithm, now)
    db.session.add(row)
    db.session.commit()
    log.info("rotated the Open Badges signing key: %s replaces %s", row.thumbprint,
             old.thumbprint if old else "none")
    return row


def withdraw_key(thumbprint: str, *, now: datetime) -> BadgeKey:
    """Stop publishing a key (lost or compromised): what it signed no longer verifies.
    ``thumbprint`` may be a unique prefix. Withdrawing the signing key rotates first."""
    rows = list(db.session.scalars(select(BadgeKey).where(
        BadgeKey.thumbprint.startswith(thumbprint, autoescape=True))))
    if not thumbprint or len(rows) != 1:
        raise UnknownKey(f"{len(rows)} keys match {thumbprint!r}")
    row = rows[0]
    if row.signing:
        rotate_key(now=now, algorithm=row.algorithm)
    row.withdrawn_at = now
    db.session.commit()
    log.warning("withdrew the Open Badges key %s", row.thumbprint)
    return row


def all_keys() -> list[BadgeKey]:
    return list(db.session.scalars(select(BadgeKey).order_by(BadgeKey.created_at,
                                                              BadgeKey.id)))


def published_keys() -> list[BadgeKey]:
    """Keys whose public half is published: the signing one and the rotated ones."""
    return [key for key in all_keys() if key.withdrawn_at is None]


def find_key(thumbprint: str) -> BadgeKey | None:
    return db.session.scalar(select(BadgeKey).where(BadgeKey.thumbprint == thumbprint))


def public_jwk(row: BadgeKey, kid: str) -> dict[str, Any]:
    """The public JWK as published, with its ``kid`` and algorithm."""
    jwk = json.loads(row.public_jwk)
    return {**jwk, "kid": kid, "alg": row.algorithm, "use": "sig"}
