"""Checking a credential someone hands us: valid, revoked or invalid, and why."""

from __future__ import annotations

import base64
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey, RSAKey

from lms.badges import baking, keys
from lms.badges.credentials import status_position
from lms.certificates.services import find_certificate

MAX_CREDENTIAL_BYTES = 256 * 1024


@dataclass(frozen=True)
class Verdict:
    status: str  # "valid", "revoked" or "invalid"
    #: Machine-readable reason: ok, malformed, no_signature, unknown_key, withdrawn_key,
    #: bad_signature, unknown_certificate, not_yet_valid, revoked, replaced.
    code: str
    reason: Any  # a lazy translated string
    summary: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code, "reason": str(self.reason),
                **({"credential": self.summary} if self.summary else {})}


def _invalid(code: str, reason: Any) -> Verdict:
    return Verdict("invalid", code, reason)


def _b64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _token_from(submitted: str | bytes) -> str | Verdict:
    if isinstance(submitted, bytes):
        if submitted.startswith(baking.PNG_SIGNATURE):
            try:
                found = baking.unbake(submitted)
            except baking.NotAPng:
                found = None
            if found is None:
                return _invalid("malformed", _l("This image has no Open Badge baked in."))
            submitted = found
        else:
            submitted = submitted.decode("utf-8", "replace")
    text = submitted.strip()
    if text.startswith("{"):
        return _invalid("no_signature", _l(
            "This is a credential without a VC-JWT signature; this site signs every "
            "credential it issues as a JWT (a text of three parts separated by dots)."))
    return text


def verify_credential(submitted: str | bytes, *, now: datetime) -> Verdict:
    """Check a VC-JWT (or a PNG with one baked in) issued by this site."""
    if len(submitted) > MAX_CREDENTIAL_BYTES:
        return _invalid("malformed", _l("This is too large to be a credential of this site."))
    token = _token_from(submitted)
    if isinstance(token, Verdict):
        return token
    parts = token.split(".")
    try:
        header, payload = _b64json(parts[0]), _b64json(parts[1])
        kid = str(header.get("kid", ""))
        credential = payload["vc"]
        code = str(credential["id"]).rstrip("/").rsplit("/", 1)[-1]
        index = int(credential["credentialStatus"]["statusListIndex"])
        list_number = int(str(credential["credentialStatus"]["statusListCredential"])
                          .rstrip("/").rsplit("/", 1)[-1])
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return _invalid("malformed", _l("This is not an Open Badge credential of this site."))
    row = keys.find_key(kid.rsplit("/", 1)[-1]) if kid else None
    if row is None:
        return _invalid("unknown_key", _l("It was not signed with a key of this site."))
    if row.withdrawn_at is not None:
        return _invalid("withdrawn_key", _l(
            "It was signed with a key this site has withdrawn; ask the holder for a new copy."))
    public = (OKPKey if row.algorithm == "EdDSA" else RSAKey).import_key(json.loads(row.public_jwk))
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*EdDSA is deprecated.*")
            jws.deserialize_compact(token, public, algorithms=[row.algorithm])
    except (JoseError, ValueError):
        return _invalid("bad_signature", _l(
            "The signature does not match: the credential was changed after it was issued."))
    certificate = find_certificate(code)
    if certificate is None or status_position(certificate.id) != (list_number, index):
        return _invalid("unknown_certificate", _l("No certificate of this site matches it."))
    summary = {"id": credential.get("id"), "name": credential.get("name"),
               "issuer": (credential.get("issuer") or {}).get("name"),
               "validFrom": credential.get("validFrom")}
    if int(payload.get("nbf", 0)) > now.astimezone(UTC).timestamp():
        return Verdict("invalid", "not_yet_valid", _l("It is not valid yet."), summary)
    if certificate.is_revoked:
        return Verdict("revoked", "revoked", certificate.revoked_reason
                       or _l("The certificate was revoked."), summary)
    if certificate.is_reissued:
        return Verdict("revoked", "replaced", _l(
            "The certificate was replaced by a new one (a corrected name)."), summary)
    return Verdict("valid", "ok", _l("Signed by this site and not revoked."), summary)
