"""Cheaper layout: the site header rendered once per language and role, and the signed CSRF
token reused for a minute within one session.

**The header** (brand, navigation, log-out and language forms) depends only on the page's
language, whether someone is signed in and their role (which navigation entries they see),
the page's layout class and the app's own settings and URLs. It is rendered once per worker
for each such combination with two placeholders, the CSRF token and the path the language
switch returns to, which are filled in (escaped) on every request. No learner's data is in
it: no name, no progress.

**The CSRF token.** Flask-WTF keeps a random secret in the session and puts a timestamped
signature of it in forms (``generate_csrf``); any signature of the session's secret younger
than ``WTF_CSRF_TIME_LIMIT`` (an hour) is accepted. Signing costs about 0.1 ms a page, so the
signed value is kept per worker for :data:`TOKEN_REUSE_SECONDS`, keyed by the signing key and
the session's own secret: it is only ever given back to the same session (a signature of
another session's secret would fail its check anyway), and it is at most a minute older than
a fresh one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

#: How long one signed CSRF token is handed out again to the same session.
TOKEN_REUSE_SECONDS = 60.0
#: Sessions whose signed token is kept (per worker; the oldest is dropped first).
TOKEN_CACHE_SIZE = 10_000
#: Header variants kept per app (languages × roles × layout classes: a few dozen in use).
HEADER_CACHE_SIZE = 256

#: Stands for the CSRF token in kept HTML (a control character no page contains).
CSRF_PLACEHOLDER = "\x1flms-csrf\x1f"
_NEXT_MARK = "\x1flms-next\x1f"

_tokens: OrderedDict[tuple[Any, ...], tuple[float, str]] = OrderedDict()
# Threaded servers (the development server, gthread workers) share these dictionaries.
_lock = threading.Lock()


def csrf_token() -> str:
    """Flask-WTF's ``generate_csrf()``, the signed value reused for a minute per session;
    :data:`CSRF_PLACEHOLDER` while a page to be kept is rendered (lms.learning.page_cache)."""
    if g.get("lms_csrf_placeholder"):
        return CSRF_PLACEHOLDER
    field = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    if field in g:
        return str(g.get(field))
    raw = session.get(field)
    if not isinstance(raw, str):
        return str(generate_csrf())  # a new session secret: nothing to reuse
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    key = (secret, field, raw)
    now = time.monotonic()
    found = _tokens.get(key)
    if found is not None and now - found[0] < _reuse_seconds():
        setattr(g, field, found[1])  # forms in this request use the same value
        return found[1]
    token = str(generate_csrf())
    with _lock:
        _tokens[key] = (now, token)
        _tokens.move_to_end(key)
        while len(_tokens) > TOKEN_CACHE_SIZE:
            _tokens.popitem(last=False)
    return token


def _reuse_seconds() -> float:
    # A short configured lifetime shortens the reuse too: a token handed out must stay
    # valid for nearly as long as a fresh one.
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    return TOKEN_REUSE_SECONDS if limit is None else min(TOKEN_REUSE_SECONDS, limit / 10)


def site_header(layout_class: str, nav_extra: str) -> Markup:
    """``lms/_site_header.html`` for this page, from the per-worker copy when there is one."""
    signed_in = bool(current_user and current_user.is_authenticated)
    key = (_language(), request.script_root, signed_in,
           getattr(current_user, "role", None) if signed_in else None,
           str(layout_class), str(nav_extra))
    cache: OrderedDict[tuple[Any, ...], str] = _header_cache()
    html = cache.get(key)
    if html is None:
        html = render_template("lms/_site_header.html", layout_class=Markup(layout_class),
                               nav_extra=Markup(nav_extra), csrf_token=lambda: CSRF_PLACEHOLDER,
                               next_path=_NEXT_MARK)
        with _lock:
            cache[key] = html
            while len(cache) > HEADER_CACHE_SIZE:
                cache.popitem(last=False)
    path = request.full_path if request.query_string else request.path
    return Markup(html.replace(CSRF_PLACEHOLDER, str(escape(csrf_token())))
                  .replace(_NEXT_MARK, str(escape(path))))


def _language() -> str:
    from lms.i18n import page_language

    return page_language()


def _header_cache() -> OrderedDict[tuple[Any, ...], str]:
    # Per app (a process may hold several, with other settings): kept in the LMS's state.
    parts: dict[str, Any] = current_app.extensions["lms"].page_parts
    return parts.setdefault("site_header", OrderedDict())  # type: ignore[no-any-return]
