"""Security plumbing: who may open a page, response headers, and the abuse limits of
:mod:`lms.limits`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, current_app, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import hooks
from lms.limits import init_limits

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """``@role_required("teacher")``: visitors go to the login page through Flask-Login (its
    ``login_view`` and translated ``login_message``, and back with ``next``); a logged-in
    user without one of ``roles`` (admins hold every role) gets 403. The one way the LMS
    protects a view; ``@login_required`` alone where any account will do."""
    if not roles:
        raise TypeError("role_required needs at least one role; use login_required for any "
                        "account")

    def decorator(view: F) -> F:
        @wraps(view)
        def with_role(*args: Any, **kwargs: Any) -> Any:
            # Anonymous only under LOGIN_DISABLED (tests), which lets no one past a role.
            if not current_user.is_authenticated or not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return login_required(with_role)  # type: ignore[return-value]

    return decorator


def access_refused(*roles: str) -> Response | None:
    """The same rule for a blueprint's ``before_request``: the login redirect for a visitor,
    403 for a user without one of ``roles`` (any account when none are named), else None."""
    if request.method == "OPTIONS":
        return None  # as Flask-Login's login_required
    if not current_user.is_authenticated:
        if not current_app.config.get("LOGIN_DISABLED"):
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if roles:
            abort(403)  # as role_required: no role without an account
        return None
    if roles and not current_user.has_role(*roles):
        abort(403)
    return None


def init_security(app: Flask, blueprint: Blueprint, standalone: bool = False) -> None:
    """Limits for the whole app; security headers on every LMS response: on the standalone
    site every response (error pages for unknown paths and refused methods, static files);
    mounted in a host, the LMS blueprint's (pages, errors and static files), never the host's
    own pages."""
    init_limits(app)
    blueprint.before_request(refuse_nul_bytes)
    # A 404 for an unknown path, a 405 and the app's own static route belong to no blueprint.
    (app if standalone else blueprint).after_request(add_security_headers)


#: The bodies Flask parses into ``request.form`` (other bodies are read by their views).
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "application/x-url-encoded",
                        "multipart/form-data"})


def refuse_nul_bytes() -> None:
    """400 for a NUL character in the query or a form field: no page needs one, and
    PostgreSQL refuses them in text (a database error, i.e. a 500, for a mistyped form)."""
    # Only what there is: parsing an empty query and form still costs a page view time.
    sources = []
    if request.query_string:
        sources.append(request.args)
    if request.mimetype in FORM_TYPES:
        sources.append(request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def content_security_policy(form_action: str = "") -> str:
    """The pages' policy; ``form_action`` adds an origin forms may post to (a page whose form
    goes to another site, e.g. an LTI platform's deep-linking return URL)."""
    frame_ancestors = " ".join([current_app.config["LMS_FRAME_ANCESTORS"],
                                *(origin for more in hooks.frame_ancestors for origin in more())])
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
            f"form-action 'self'{' ' + form_action if form_action else ''}; "
            f"frame-ancestors {frame_ancestors}")


def add_security_headers(response: Response) -> Response:
    """No inline scripts or styles (styles come from files only: no style attributes, no
    <style> blocks), no sniffing, no referrer leaks; HSTS only over HTTPS."""
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    return response

