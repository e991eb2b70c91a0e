"""Cookies and framing for launches inside a platform's iframe.

A launch is a cross-site POST, usually inside an iframe of the platform's page: every request
the learner then makes to us is cross-site, and the browser sends a cookie only when it is
``SameSite=None; Secure``. The site's own session cookie stays ``Lax``; only an *LTI
session* (one a launch logged in, marked with :data:`LTI_SESSION`) gets ``SameSite=None;
Secure; Partitioned`` for as long as it lasts. ``Partitioned`` (CHIPS) keeps the cookie working
in browsers that block third-party cookies: it lives in a jar keyed by the platform's site.

When the browser keeps no cookie at all in the frame, the login page shows a "continue in a
new window" link instead of failing later (see :func:`cookie_check_redirect`).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, has_request_context, request, session
from sqlalchemy import select
from werkzeug.wrappers import Response

from lms.db import db
from lms.lti.models import LtiRegistration

#: The session key that makes the session cookie cross-site (set by the launch).
LTI_SESSION = "lms_lti"
#: The test cookie of the login request, and the query parameter of its second round.
CHECK_COOKIE = "lms-lti-cookie-check"
CHECK_PARAM = "lms_cookie_check"
#: The platform's login parameters kept when the login is redirected or reopened.
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id",
                "lti_deployment_id")
#: How long the origins of the registered platforms are kept (a new registration reaches
#: every app server within this time).
ORIGINS_TTL = 60.0


def cross_site_cookie(**kwargs: Any) -> dict[str, Any]:
    """The attributes of a cookie the browser must send back inside the platform's frame."""
    return {**kwargs, "secure": True, "samesite": "None", "partitioned": True, "httponly": True}


def in_lti_session() -> bool:
    """Whether this request's session is an LTI one. Read without marking the session as
    accessed: that would add ``Vary: Cookie`` to every response (static files too)."""
    if not has_request_context():
        return False
    current = session._get_current_object()  # type: ignore[attr-defined]
    return isinstance(current, dict) and bool(dict.get(current, LTI_SESSION))


class LtiCookieMixin:
    """Mixed into the app's session interface (whatever its class): an LTI session's cookie is
    cross-site, every other session's is unchanged."""

    def _lti(self) -> bool:
        return in_lti_session()

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if self._lti() else super().get_cookie_samesite(app)  # type: ignore[misc]

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if self._lti() else super().get_cookie_secure(app)  # type: ignore[misc]

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if self._lti() else super().get_cookie_partitioned(app)  # type: ignore[misc]


def install_session_cookies(app: Flask) -> None:
    """Give the app's session interface the LTI rule. A host's own interface keeps its
    class and behaviour for every session that is not an LTI one."""
    interface = app.session_interface
    if isinstance(interface, LtiCookieMixin):
        return
    base = type(interface)
    interface.__class__ = type(f"Lti{base.__name__}", (LtiCookieMixin, base), {})


def mark_lti_session() -> None:
    """After the launch's login_user: the session's cookie is cross-site from now on."""
    session[LTI_SESSION] = True


def forget_lti_session(*_args: Any, **_kwargs: Any) -> None:
    """Any login (Flask-Login's ``user_logged_in``) starts an ordinary session again: a
    password login in the same browser after a launch gets the site's ``Lax`` cookie. The
    launch marks its own session right after its login."""
    if has_request_context() and in_lti_session():
        session.pop(LTI_SESSION, None)


def _login_params() -> dict[str, str]:
    values = request.values
    return {name: values[name] for name in LOGIN_PARAMS if values.get(name)}


def login_url_again() -> str:
    """The login initiation as a GET, for the check's second round or a new window."""
    return request.base_url + "?" + urlencode(_login_params())


def cookie_check_redirect() -> Response | None:
    """The first round of a login: set a cross-site test cookie and come back (GET) with
    :data:`CHECK_PARAM`; None on the second round, when the login may go on."""
    if request.values.get(CHECK_PARAM):
        return None
    response = Response(status=302, headers={
        "Location": request.base_url + "?" + urlencode({**_login_params(), CHECK_PARAM: "1"})})
    response.set_cookie(**cross_site_cookie(key=CHECK_COOKIE, value="1", max_age=300,
                                            path=urlsplit(request.base_url).path))
    return response


def cookies_blocked() -> bool:
    """On the second round: the browser did not send the test cookie back."""
    return request.cookies.get(CHECK_COOKIE) != "1"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins(urls: list[str]) -> list[str]:
    found = {origin for url in urls if (origin := _origin(url))}
    return sorted(found)


def framing_origins() -> list[str]:
    """The origins that may frame this response (lms.hooks.frame_ancestors): the registered
    platforms', for LTI pages and LTI sessions only (every other page keeps
    ``LMS_FRAME_ANCESTORS``)."""
    endpoint = request.endpoint or ""
    if not (endpoint.startswith("lms.lti.") and not endpoint.startswith("lms.lti.admin")) \
            and not in_lti_session():
        return []
    cache = current_app.extensions.setdefault("lms.lti.origins", {})
    if cache.get("until", 0.0) < time.monotonic():
        rows = db.session.execute(select(LtiRegistration.issuer, LtiRegistration.auth_login_url))
        cache["origins"] = platform_origins([url for row in rows for url in row])
        cache["until"] = time.monotonic() + ORIGINS_TTL
    return list(cache["origins"])


def forget_origins() -> None:
    """After a registration changed: this server reads the origins again."""
    current_app.extensions.pop("lms.lti.origins", None)
