"""The one-time code between the POST that makes it and the page that shows it once.

The code travels in the session cookie, sealed with the app's secret key, and is taken out on
the first view, so the plain code is never stored anywhere, not even in the browser once the
page is shown. Used by the reset pages and by the admin's "create an account" page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app, session

from lms.auth.models import User
from lms.resets.services import IssuedCode

SHOWN_KEY = "lms_reset_code"


def _pad(nonce: str, size: int) -> bytes:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"lms-reset-code:" + nonce.encode(), hashlib.sha256).digest()[:size]


def remember_code(issued: IssuedCode) -> None:
    """Keep the code for the next page only: encrypted (a one-time pad from HMAC of a random
    nonce) inside the signed session, which guards it against changes."""
    nonce = secrets.token_hex(16)
    plain = issued.code.encode()
    session[SHOWN_KEY] = {"user_id": issued.user_id, "nonce": nonce,
                          "sealed": bytes(a ^ b for a, b in zip(plain, _pad(nonce, len(plain)),
                                                                strict=True)).hex(),
                          "expires_at": issued.expires_at.isoformat()}


def take_code(user: User) -> IssuedCode | None:
    """The code just made for ``user``, once; None when it was already shown."""
    kept = session.get(SHOWN_KEY)
    if not isinstance(kept, dict) or kept.get("user_id") != user.id:
        return None
    session.pop(SHOWN_KEY)
    sealed = bytes.fromhex(kept["sealed"])
    code = bytes(a ^ b for a, b in zip(sealed, _pad(kept["nonce"], len(sealed)), strict=True))
    return IssuedCode(user.id, user.display_name, user.username, code.decode(),
                      datetime.fromisoformat(kept["expires_at"]))
