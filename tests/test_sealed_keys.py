"""lms.sealed_keys: the private keys the LTI tool and Open Badges store, sealed with a key
derived from the secret key.

tests/data/sealed_keys/ holds keys sealed by the code each feature had before this module
(main at c5a39a5, under the test app's secret key ``test-secret``): keys stored by a running
site must keep opening, or it would lose its LTI key and its badge signing key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from flask import Flask
from joserfc.jwk import OKPKey, RSAKey

from lms import sealed_keys
from lms.badges import keys as badge_keys
from lms.badges.models import BadgeKey
from lms.db import db, utcnow
from lms.lti import keys as lti_keys
from lms.lti.models import LtiKey

DATA = Path(__file__).parent / "data" / "sealed_keys"


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


def _public_pem(private_pem: bytes) -> bytes:
    private = serialization.load_pem_private_key(private_pem, password=None)
    return private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)


def test_the_lti_key_sealed_by_earlier_code_opens() -> None:
    stored = _fixture("lti_tool_key.json")
    pem = sealed_keys.unseal(stored["private_pem_sealed"].encode(), purpose=lti_keys.PURPOSE,
                             secret=stored["secret_key"])
    assert _public_pem(pem).decode() == stored["public_pem"]


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256"])
def test_the_badge_keys_sealed_by_earlier_code_open(algorithm: str) -> None:
    stored = _fixture(f"badge_key_{algorithm}.json")
    pem = sealed_keys.unseal(stored["private_pem_sealed"].encode(),
                             purpose=badge_keys.PURPOSE, secret=stored["secret_key"])
    key = (OKPKey if algorithm == "EdDSA" else RSAKey).import_key(pem)
    assert key.thumbprint() == stored["thumbprint"]


@pytest.mark.parametrize(("purpose", "secret"), [
    (b"lms-badges-signing-key", "test-secret"),  # another feature's label
    (b"lms-lti-tool-key", "another-secret"),  # the secret key changed
])
def test_a_sealed_key_opens_only_with_its_purpose_and_secret(purpose: bytes,
                                                             secret: str) -> None:
    sealed = _fixture("lti_tool_key.json")["private_pem_sealed"].encode()
    with pytest.raises(ValueError):
        sealed_keys.unseal(sealed, purpose=purpose, secret=secret)


def test_seal_and_unseal_round_trip_without_exposing_the_key() -> None:
    for private in (ed25519.Ed25519PrivateKey.generate(),
                    rsa.generate_private_key(public_exponent=65537, key_size=2048)):
        plain = private.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
        sealed = sealed_keys.seal(private, purpose=b"lms-test", secret="s3cret")
        assert sealed.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert plain not in sealed
        assert sealed_keys.unseal(sealed, purpose=b"lms-test", secret="s3cret") == plain
        # A PEM from elsewhere (joserfc's, a key file) is sealed the same way.
        assert sealed_keys.unseal(sealed_keys.seal_pem(plain, purpose=b"lms-test",
                                                       secret="s3cret"),
                                  purpose=b"lms-test", secret="s3cret") == plain


def test_the_lti_tool_signs_with_a_key_stored_by_earlier_code(app: Flask) -> None:
    stored = _fixture("lti_tool_key.json")
    assert app.config["SECRET_KEY"] == stored["secret_key"]
    db.session.add(LtiKey(kid=stored["kid"], public_pem=stored["public_pem"],
                          private_pem=stored["private_pem_sealed"].encode(), active=True))
    db.session.commit()
    key = lti_keys.tool_key()
    assert key.kid == stored["kid"] and db.session.query(LtiKey).count() == 1
    token = jwt.encode({"x": 1}, key.private_pem, algorithm="RS256")
    assert jwt.decode(token, stored["public_pem"], algorithms=["RS256"]) == {"x": 1}


def test_badges_sign_with_a_key_stored_by_earlier_code(app: Flask) -> None:
    stored = _fixture("badge_key_EdDSA.json")
    assert app.config["SECRET_KEY"] == stored["secret_key"]
    db.session.add(BadgeKey(thumbprint=stored["thumbprint"], algorithm=stored["algorithm"],
                            public_jwk=stored["public_jwk"],
                            private_pem=stored["private_pem_sealed"].encode(), signing=True,
                            created_at=utcnow()))
    db.session.commit()
    key = badge_keys.signing_key(now=utcnow())
    assert (key.thumbprint, key.algorithm) == (stored["thumbprint"], "EdDSA")
    assert db.session.query(BadgeKey).count() == 1  # opened, not replaced by a new key
