"""Session cookies whose signature a worker has already checked are not checked again.

Flask's cookie sessions build a serializer, check the HMAC and decode the JSON on every
request; for a signed-in learner reading lessons that is about a twentieth of the page's
time, for the same cookie each time. A worker keeps what it found in the cookies it has
verified, keyed by the exact cookie text (and the secret keys), so only a cookie this app
signed can ever match. The age limit is checked on every request against the timestamp the
cookie was signed with, exactly as on a first read. Only sessions of plain values (strings,
numbers, booleans) are kept: each request gets its own copy, and a list (flashed messages)
would be shared between them.

Bound: :data:`MAX_COOKIES` cookies per worker and app, oldest dropped first.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.wrappers import Request

MAX_COOKIES = 4096
_PLAIN = (str, int, float, bool, type(None))


class VerifiedCookieCache:
    """Mixed into Flask's own cookie session interface (see :func:`install`)."""

    _verified: dict[tuple[Any, ...], tuple[dict[str, Any], float]]
    _lock: threading.Lock

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))  # type: ignore[attr-defined]
        if not value or not app.secret_key:
            return super().open_session(app, request)  # type: ignore[misc,no-any-return]
        key = (value, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        max_age = app.permanent_session_lifetime.total_seconds()
        found = self._verified.get(key)
        if found is not None:
            data, signed_at = found
            if time.time() - signed_at <= max_age:
                return self.session_class(data)  # type: ignore[attr-defined,no-any-return]
            return self.session_class()  # type: ignore[attr-defined,no-any-return]
        serializer = self.get_signing_serializer(app)  # type: ignore[attr-defined]
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()  # type: ignore[attr-defined,no-any-return]
        if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
            with self._lock:
                if len(self._verified) >= MAX_COOKIES:
                    del self._verified[next(iter(self._verified))]
                self._verified[key] = (data, signed.timestamp())
        return self.session_class(data)  # type: ignore[attr-defined,no-any-return]


def install(app: Flask) -> None:
    """Give the app a session interface with the cache, when its own is Flask's cookie
    sessions (a host's interface of another kind is left as it is). The app gets an
    instance of its own: Flask's default is one object shared by every app in the process."""
    interface = app.session_interface
    if isinstance(interface, VerifiedCookieCache):
        return
    base = type(interface)
    flask_own = SecureCookieSessionInterface
    if base.open_session is not flask_own.open_session \
            or base.get_signing_serializer is not flask_own.get_signing_serializer:
        return
    cached = copy.copy(interface)
    cached.__class__ = type(f"Cached{base.__name__}", (VerifiedCookieCache, base), {})
    cached._verified = {}  # type: ignore[attr-defined]
    cached._lock = threading.Lock()  # type: ignore[attr-defined]
    app.session_interface = cached
