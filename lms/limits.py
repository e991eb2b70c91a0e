"""Abuse limits: how often one address or one account may try to log in, sign up, ask for a
password reset or guess a class code.

A class of 30 often shares one school address, so an address's limits count only *failed*
logins and joins (a correct password or code never uses them up), while each account has its
own, lower count of failures. The counters live in ``RATELIMIT_STORAGE_URI`` (environment:
``LMS_RATELIMIT_STORAGE_URI``). ``memory://``, the fallback, counts in each process apart: with
two gunicorn workers an attacker gets twice the limit, so production uses Redis
(``redis://127.0.0.1:6379/0``), and start-up says so loudly when it cannot have.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

limiter = Limiter(key_func=get_remote_address)

# The limits themselves (LMS_LOGIN_LIMIT …) are operator settings in lms.config.SETTINGS;
# the limiter's own switches are among its FIXED_DEFAULTS.
SHARED_STORE_EXAMPLE = "redis://127.0.0.1:6379/0"


def init_limits(app: Flask) -> None:
    """Limit defaults, the counters' store, and a warning when the counts cannot be shared."""
    storage = app.config.get("RATELIMIT_STORAGE_URI")
    if not storage:
        warn_if_counted_per_process(app, configured=False)
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    elif str(storage).startswith("memory"):
        warn_if_counted_per_process(app, configured=True)
    elif str(storage).startswith(("redis://", "rediss://", "redis+unix://")):
        # A Redis that hangs must not hang every login: give up after 2 s and use memory.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                              {"socket_connect_timeout": 2, "socket_timeout": 2})
    # Flask-Limiter keeps a set of limiters per app: a host's own limiter sits beside ours
    # (checking only for the key left the LMS's limits switched off in such a host).
    if limiter not in app.extensions.get("limiter", set()):
        limiter.init_app(app)
        _drop_unused_request_check(app)


def _drop_unused_request_check(app: Flask) -> None:
    """Every LMS limit decorates its own view, and that decorator checks it. Flask-Limiter's
    hook before every request is for limits on all routes (``RATELIMIT_DEFAULT``,
    ``RATELIMIT_APPLICATION``, ``RATELIMIT_META``), which the LMS does not set: without any,
    the hook finds nothing to check, at about a sixth of a cached lesson page's time."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or app.config.get("RATELIMIT_META"):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)


def warn_if_counted_per_process(app: Flask, *, configured: bool) -> None:
    """Say loudly that the limits are per process where several processes are likely.

    A worker cannot see how many siblings gunicorn started, so: production without a
    configured store, anything under gunicorn without one, or ``WEB_CONCURRENCY`` above 1.
    """
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    reasons = []
    try:
        workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
    except ValueError:
        workers = 1
    if workers > 1:
        reasons.append(f"WEB_CONCURRENCY={workers}")
    if not configured:
        if app.config.get("LMS_ENV") == "production":
            reasons.append("LMS_ENV=production")
        if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
            reasons.append("running under gunicorn")
    if reasons:
        log.warning(
            "RATE LIMITS ARE NOT SHARED (%s): login, sign-up, reset and join limits are counted "
            "in this process's memory, so every worker and every server counts on its own and "
            "an attacker gets the limit once per process. Set LMS_RATELIMIT_STORAGE_URI=%s "
            "(see README, Production).", ", ".join(reasons), SHARED_STORE_EXAMPLE,
        )


def failed(response: Response) -> bool:
    """An attempt that counts against a failure limit: the form came back (success redirects).

    Refusals (429) are not counted again, so hammering one account does not also use up the
    address's allowance that the rest of the class shares.
    """
    return not 300 <= response.status_code < 400 and response.status_code != 429


def count_miss() -> None:
    """Count this GET against its route's failure limits (see ``failed_or_missed``)."""
    g.lms_limit_miss = True


def failed_or_missed(response: Response) -> bool:
    """A POST that failed (``failed``), or a GET whose view called ``count_miss``.

    For pages whose GET is an oracle too (a join link names the class its code opens): a
    guesser reading the page learns as much as one posting the form, while a class following
    a correct link uses up nothing.
    """
    if request.method == "GET":
        return bool(g.get("lms_limit_miss")) and response.status_code != 429
    return failed(response)


# -- counts kept by hand, for lookups outside a limited route --------------------------------


def _items(limit_value: str) -> list[Any]:
    from limits import parse_many

    return list(parse_many(limit_value))


def within_limit(name: str, limit_value: str, key: str) -> bool:
    """Whether ``key`` may still miss under ``name``'s count (see ``spend_miss``).

    A counter store that cannot be reached lets the request through, as the routes' limits
    do with their in-memory fallback, rather than refuse every page.
    """
    if not limiter.enabled:
        return True
    try:
        return all(limiter.limiter.test(item, "lms-miss", name, key)
                   for item in _items(limit_value))
    except Exception:  # noqa: BLE001 - any storage failure: fail open, and say so
        log.warning("rate-limit store unreachable: %s not counted", name, exc_info=True)
        return True


def spend_miss(name: str, limit_value: str, key: str) -> None:
    """Count one miss for ``key`` under ``name``: for a hook that looks something guessable up
    (a class code in a login page's ``next``) where no route limit can see the outcome."""
    if not limiter.enabled:
        return
    try:
        for item in _items(limit_value):
            limiter.limiter.hit(item, "lms-miss", name, key)
    except Exception:  # noqa: BLE001 - as in within_limit
        log.warning("rate-limit store unreachable: %s not counted", name, exc_info=True)


def typed_account(field: str) -> str:
    """The account a form names, as the services read it (trimmed, lower case, bounded).

    Username and email of one account count apart; looking the account up here would put a
    database query (and its failures) inside the limiter.
    """
    value = request.form.get(field, "").strip().lower()[:254]
    return f"{field}:{value}"


def login_limit() -> str:
    return str(current_app.config["LMS_LOGIN_LIMIT"])


def login_account_limit() -> str:
    return str(current_app.config["LMS_LOGIN_ACCOUNT_LIMIT"])


def login_account_key() -> str:
    return "login-" + typed_account("login")


def signup_limit() -> str:
    return str(current_app.config["LMS_SIGNUP_LIMIT"])


def reset_limit() -> str:
    return str(current_app.config["LMS_RESET_LIMIT"])


def reset_account_limit() -> str:
    return str(current_app.config["LMS_RESET_ACCOUNT_LIMIT"])


def reset_account_key() -> str:
    return "reset-" + typed_account("email")


def join_limit() -> str:
    return str(current_app.config["LMS_JOIN_LIMIT"])


def join_account_limit() -> str:
    return str(current_app.config["LMS_JOIN_ACCOUNT_LIMIT"])


def join_account_key() -> str:
    """The logged-in learner (join pages need a login; anyone else counts by address)."""
    if current_user.is_authenticated:
        return f"join-user:{current_user.get_id()}"
    return get_remote_address()


def seconds_until_reset() -> int | None:
    """How long until the limit this request broke lets the client try again; None when no
    limit of ours refused it (an ``abort(429)`` elsewhere)."""
    hit = limiter.current_limit
    if hit is None or not hit.breached:
        return None
    return max(1, hit.reset_at - int(time.time()))
