"""The one-time code between the POST that makes it and the page that shows it once.

The code travels in the session cookie, encrypted under a key derived from the app's secret
key, and is taken out on the first view, so the plain code is never stored anywhere, not even
in the browser once the page is shown. Used by the reset pages and by the admin's "create an
account" page.
"""

from __future__ import annotations

import base64
import logging
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

from lms.auth.models import User
from lms.resets.services import IssuedCode

log = logging.getLogger(__name__)

SHOWN_KEY = "lms_reset_code"
# The sealing's version in the session: anything else (the hand-made HMAC keystream of
# earlier releases, a cookie from before an upgrade) is dropped as "already shown".
SEAL_VERSION = 2
# HKDF's purpose label: this key seals shown codes and nothing else, so no other use of the
# secret key (session signing, reset links) can ever produce or read it.
PURPOSE = b"lms.resets.shown_code v2"
NONCE_SIZE = 12


def _cipher() -> AESGCM:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret)
    return AESGCM(key)


def _bound_to(user_id: int, expires_at: str) -> bytes:
    # Authenticated with the code: a sealed code cannot be shown for another account or with
    # another end date, even by someone who could rewrite the session.
    return f"{user_id}|{expires_at}".encode()


def remember_code(issued: IssuedCode) -> None:
    """Keep the code for the next page only: encrypted (AES-GCM under a key derived from the
    secret key) inside the signed session."""
    nonce = os.urandom(NONCE_SIZE)
    expires_at = issued.expires_at.isoformat()
    sealed = _cipher().encrypt(nonce, issued.code.encode(), _bound_to(issued.user_id, expires_at))
    session[SHOWN_KEY] = {"v": SEAL_VERSION, "user_id": issued.user_id,
                          "sealed": base64.urlsafe_b64encode(nonce + sealed).decode("ascii"),
                          "expires_at": expires_at}


def take_code(user: User) -> IssuedCode | None:
    """The code just made for ``user``, once; None when it was already shown, or cannot be read
    (sealed by an earlier release or under another secret key): the page then says it was
    shown once and offers a new one, as for any code no longer in the session."""
    kept = session.get(SHOWN_KEY)
    if not isinstance(kept, dict) or kept.get("user_id") != user.id:
        return None
    session.pop(SHOWN_KEY)
    if kept.get("v") != SEAL_VERSION:
        log.info("dropped a shown code sealed by an earlier release (user %s)", user.id)
        return None
    try:
        expires_at = str(kept["expires_at"])
        raw = base64.urlsafe_b64decode(str(kept["sealed"]))
        code = _cipher().decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:],
                                 _bound_to(user.id, expires_at)).decode()
        valid_until = datetime.fromisoformat(expires_at)
    except (KeyError, ValueError, InvalidTag):
        log.warning("dropped a shown code that could not be unsealed (user %s)", user.id)
        return None
    return IssuedCode(user.id, user.display_name, user.username, code, valid_until)
