"""Links the LMS sends out of the site: emails, join links, login cards, certificate QR codes.

Every such link is built here from ``LMS_BASE_URL``, never from the request's ``Host`` header:
behind a proxy that forwards ``Host``, anyone could otherwise ask for a password reset with
``Host: evil.example.net`` and have the learner mailed a link that hands the token to that
host. In production ``LMS_BASE_URL`` is required, and requests naming another host are
refused (Flask's ``TRUSTED_HOSTS``, from ``LMS_BASE_URL`` plus ``LMS_TRUSTED_HOSTS``).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, has_request_context, url_for
from flask_babel import gettext
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response

from lms.config import ConfigError

log = logging.getLogger(__name__)


def parse_base_url(base: str) -> tuple[str, str, str]:
    """``(scheme, host[:port], path)`` of ``LMS_BASE_URL``; a :class:`ConfigError` when it is
    not an absolute http(s) address without query or fragment."""
    parts = urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"LMS_BASE_URL must be an address like https://learn.example.org "
                          f"(with the mount path if any), not {base!r}")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


def trusted_hosts(base: str, extra: str | list[str] | None) -> list[str]:
    """The host of ``LMS_BASE_URL`` and the names in ``LMS_TRUSTED_HOSTS`` (spaces or commas;
    ``.example.org`` accepts every subdomain)."""
    hosts = [str(urlsplit(base.strip()).hostname)]
    names = extra.replace(",", " ").split() if isinstance(extra, str) else list(extra or [])
    hosts.extend(name for name in names if name not in hosts)
    return hosts


def init_urls(app: Flask) -> None:
    """Check ``LMS_BASE_URL`` at start-up; in production require it and trust only its host.

    A host application that set ``TRUSTED_HOSTS`` itself keeps its own list.
    """
    base = str(app.config.get("LMS_BASE_URL") or "")
    if base:
        parse_base_url(base)
    production = app.config.get("LMS_ENV") == "production"
    if production and not base:
        raise ConfigError("LMS_BASE_URL must be set in production (e.g. "
                          "https://learn.example.org): links in emails are built from it")
    if production and app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(base, app.config.get("LMS_TRUSTED_HOSTS"))
        app.register_error_handler(SecurityError, refuse_unknown_host)


def refuse_unknown_host(error: SecurityError) -> Response:
    """A plain 400: with an untrusted host Flask has no URL adapter, so no page (and no
    ``url_for``) can be rendered for this request."""
    return Response(gettext("This site does not answer to that address.") + "\n", 400,
                    mimetype="text/plain")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` as seen from outside, for links sent away.

    Built on ``LMS_BASE_URL`` (its path is the mount point of the app, e.g. the prefix a
    ``DispatcherMiddleware`` mounts it under; the LMS's own ``url_prefix`` is added by the
    URL map). Only in development without ``LMS_BASE_URL`` does the request's host count.
    """
    base = str(current_app.config.get("LMS_BASE_URL") or "")
    if not base:
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        log.warning("LMS_BASE_URL is not set; links point to http://localhost")
        base = "http://localhost"
    scheme, netloc, path = parse_base_url(base)
    adapter = current_app.url_map.bind(netloc, script_name=path or "/", url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)


#: Browsers drop these anywhere in a URL (WHATWG URL parser), so ``/\t/evil`` means ``//evil``.
_URL_IGNORED = str.maketrans("", "", "\t\n\r")


def safe_next(target: str | None, fallback: str) -> str:
    """The one check for every ``next`` the site follows: a path on this site, else ``fallback``.

    The target is judged the way a browser will read it (tabs and newlines removed, backslashes
    taken as slashes), both as sent and percent-decoded (as Werkzeug decodes a path), so
    ``/%09/evil``, ``/\\evil`` and ``/%2F/evil`` fall back too. Control and invisible
    characters are refused rather than cleaned: no real link of ours contains them.
    """
    if not isinstance(target, str):
        return fallback
    target = target.translate(_URL_IGNORED)
    if _same_site_path(target) and _same_site_path(unquote(target).translate(_URL_IGNORED)):
        return target
    return fallback


def _same_site_path(target: str) -> bool:
    """``/`` alone, or ``/`` followed by anything but a second slash (a host would follow)."""
    if not target.startswith("/") or any(unicodedata.category(c)[0] in "CZ" and c != " "
                                         for c in target):
        return False
    return len(target) == 1 or target[1] not in "/\\"
