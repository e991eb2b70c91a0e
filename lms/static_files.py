"""Fingerprinted static URLs, cached for a year by browsers and proxies.

``static_url("lms/style.css")`` gives ``/static/lms/style.css?v=<hash of the file>``: a new
release changes the hash and so the URL, which lets the response say "never ask again"
(``immutable``) without ever serving a stale stylesheet. URLs without ``v`` keep Flask's
default (revalidated with ETag/Last-Modified).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, request, url_for
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _fingerprint(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """The URL of an LMS static file, with a fingerprint of its content.

    Outside debug mode the files cannot change while the app runs, so each URL is worked
    out once per worker (and per mount point) instead of on every page.
    """
    if current_app.debug:
        return _static_url(filename)
    key = (request.script_root, filename)
    urls = current_app.extensions["lms"].static_urls
    if key not in urls:
        urls[key] = _static_url(filename)
    return urls[key]


def _static_url(filename: str) -> str:
    folder = current_app.blueprints["lms"].static_folder
    path = Path(folder or "") / filename
    try:
        version = _fingerprint(str(path), path.stat().st_mtime_ns)
    except OSError:  # a missing file: an ordinary URL, the 404 shows up as usual
        return url_for("lms.static", filename=filename)
    return url_for("lms.static", filename=filename, v=version)


def is_lms_static() -> bool:
    """Whether this request asks for one of the LMS's own static files."""
    # The standalone app serves the same folder at the same path under its own "static"
    # endpoint, which Flask matches before the blueprint's.
    if request.endpoint == "lms.static":
        return True
    own = current_app.blueprints["lms"].static_folder
    return request.endpoint == "static" and current_app.static_folder == own


def cache_fingerprinted(response: Response) -> Response:
    """Long-lived caching for static files requested by their fingerprinted URL."""
    if is_lms_static() and "v" in request.args and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        response.headers.pop("Expires", None)
    return response
