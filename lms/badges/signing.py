"""Signing as VC-JWT (JOSE compact serialisation) with the site's key, with joserfc."""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

from joserfc import jwt

from lms.badges import keys
from lms.urls import external_url


def key_id(thumbprint: str) -> str:
    """The ``kid``: a URL that serves the public JWK (and names it in the JWKS)."""
    return external_url("lms.badges.public_key", thumbprint=thumbprint)


def sign(claims: dict[str, Any], *, now: datetime, typ: str = "JWT") -> str:
    """``claims`` signed with today's key (made on first use)."""
    signer = keys.signing_key(now=now)
    header = {"alg": signer.algorithm, "kid": key_id(signer.thumbprint), "typ": typ}
    with warnings.catch_warnings():
        # joserfc flags "EdDSA" for the fully-specified "Ed25519" of RFC 9864; wallets and
        # the OB 3.0 verifiers know "EdDSA", so that is the name a credential must carry.
        warnings.filterwarnings("ignore", message=".*EdDSA is deprecated.*")
        return jwt.encode(header, claims, signer.key, algorithms=[signer.algorithm])
