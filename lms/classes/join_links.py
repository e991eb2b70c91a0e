"""A join link followed before having an account: the code rides along in ``next`` through
sign-up and login, and the learner lands in the class once they are in.

The account pages (lms.auth.views) call these through lms.hooks; the class rules stay in
:mod:`lms.classes.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from lms.classes import services
from lms.classes.models import SchoolClass
from lms.db import utcnow
from lms.limits import join_limit, spend_miss, within_limit

JOIN_ENDPOINT = "lms.classes.join_with_code"


@dataclass(frozen=True)
class PendingJoin:
    code: str
    school_class: SchoolClass | None  # None: no class has this code (any more)
    teacher: str

    @property
    def usable(self) -> bool:
        return self.school_class is not None and not self.school_class.archived


def join_code_in(next_url: str | None) -> str | None:
    """The class code when ``next`` is this site's join link, else None."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//"):
        return None
    path = next_url.split("?", 1)[0]
    root = request.script_root
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    try:
        endpoint, values = current_app.create_url_adapter(request).match(  # type: ignore[union-attr]
            path, method="GET")
    except HTTPException:
        return None
    return str(values["code"]) if endpoint == JOIN_ENDPOINT else None


# The login and sign-up pages name the class of a join link in ``next``, to anyone: without a
# count of their own they would be a way to guess class codes around the /join limits.
GUESSES = "join-sign-in"


def _guessing_key() -> str:
    return get_remote_address()


def pending_join(next_url: str | None) -> PendingJoin | None:
    """What the sign-up and login pages say about the class the learner is joining; 429 once
    this address has tried too many codes that open no class."""
    code = join_code_in(next_url)
    if code is None:
        return None
    if not within_limit(GUESSES, join_limit(), _guessing_key()):
        abort(429)
    school_class = services.class_by_code(code)
    usable = school_class is not None and not school_class.archived
    if not usable:
        spend_miss(GUESSES, join_limit(), _guessing_key())
    return PendingJoin(code, school_class,
                       services.teacher_name(school_class) if usable and school_class else "")


def join_after_sign_in(user_id: int, code: str, *, now: datetime) -> tuple[bool, str]:
    """Join the class right after sign-up or login (the page said so); (joined, message)."""
    try:
        school_class = services.join_class(user_id, code, now=now)
    except services.ClassError as error:
        if error.reason == "already_member":
            return True, gettext("You are already in the class %(name)s.",
                                 name=error.detail.get("name"))
        return False, refusal(error)
    return True, gettext("Welcome to %(name)s! Your assignments are listed below.",
                         name=school_class.name)


def refusal(error: services.ClassError) -> str:
    from lms.classes.join_views import JOIN_MESSAGES

    return str(JOIN_MESSAGES[error.reason](error.detail))


def join_pending(user_id: int, next_url: str | None) -> Response | None:
    """After sign-up or login from a join link (lms.hooks.after_sign_in): into the class, then
    to the catalogue (or to the code form with the reason when the link went stale)."""
    code = join_code_in(next_url)
    if code is None:
        return None
    if not within_limit(GUESSES, join_limit(), _guessing_key()):
        flash(gettext("Too many requests. Please wait a minute and try again."), "error")
        return redirect(url_for("lms.classes.join"))
    joined, message = join_after_sign_in(user_id, code, now=utcnow())
    if joined:
        flash(message, "success")
        return redirect(url_for("lms.courses.catalogue"))
    spend_miss(GUESSES, join_limit(), _guessing_key())
    flash(message, "error")
    return redirect(url_for("lms.classes.join"))


def pending_extras(next_url: str | None) -> dict[str, PendingJoin | None]:
    """``pending`` for the login and sign-up pages (lms.hooks.sign_in_extras)."""
    return {"pending": pending_join(next_url)}
