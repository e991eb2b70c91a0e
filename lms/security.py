"""Security plumbing: response headers, and the abuse limits of :mod:`lms.limits`."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, request
from werkzeug.wrappers import Response

from lms.limits import init_limits


def init_security(app: Flask, blueprint: Blueprint, standalone: bool = False) -> None:
    """Limits for the whole app; security headers on every LMS response: on the standalone
    site every response (error pages for unknown paths and refused methods, static files);
    mounted in a host, the LMS blueprint's (pages, errors and static files), never the host's
    own pages."""
    init_limits(app)
    blueprint.before_request(refuse_nul_bytes)
    # A 404 for an unknown path, a 405 and the app's own static route belong to no blueprint.
    (app if standalone else blueprint).after_request(add_security_headers)


def refuse_nul_bytes() -> None:
    """400 for a NUL character in the query or a form field: no page needs one, and
    PostgreSQL refuses them in text (a database error, i.e. a 500, for a mistyped form)."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def add_security_headers(response: Response) -> Response:
    """No inline scripts or styles (styles come from files only: no style attributes, no
    <style> blocks), no sniffing, no referrer leaks; HSTS only over HTTPS."""
    frame_ancestors = current_app.config["LMS_FRAME_ANCESTORS"]
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        f"frame-ancestors {frame_ancestors}",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    return response

