"""Logging in with a one-time code and choosing the new password it leads to.

After a code login the session is marked: until a new password is chosen, every LMS page
redirects to "choose your new password" (:func:`require_new_password`, run before every LMS
request), except logging out, the language switch and static files.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from lms.auth.forms import ResetPasswordForm
from lms.db import utcnow
from lms.resets import services
from lms.resets.views import bp

MARK_KEY = "lms_new_password_for"
#: What a marked session may still open.
OPEN_ENDPOINTS = frozenset({"lms.resets.choose_password", "lms.auth.logout", "lms.static",
                            "lms.site.set_language", "lms.site.healthz", "lms.site.favicon"})


def login_with_code(login: str, typed: str) -> tuple[Response | None, str | None]:
    """After a wrong password: log in with a one-time code if ``typed`` is one. Returns the
    redirect to the new-password page, or the message for a used or expired code."""
    redemption = services.redeem_code(login, typed, now=utcnow())
    if redemption.user is not None:
        if not login_user(redemption.user):  # Flask-Login refuses a deactivated account
            return None, gettext("This account is deactivated. Please ask your teacher or the "
                                 "site's administrator.")
        session[MARK_KEY] = redemption.user.id
        return redirect(url_for("lms.resets.choose_password")), None
    if redemption.problem == "used":
        return None, gettext("This one-time code was already used. If you have not chosen a "
                             "new password yet, ask your teacher for a new code.")
    if redemption.problem == "expired":
        return None, gettext("This one-time code has expired (codes work for %(days)d days). "
                             "Ask your teacher for a new one.", days=services.CODE_LIFETIME.days)
    return None, None


def require_new_password() -> Response | None:
    """Send a session opened with a one-time code to "choose your new password"."""
    marked = session.get(MARK_KEY)
    if marked is None:
        return None
    if not current_user.is_authenticated or current_user.id != marked:
        session.pop(MARK_KEY, None)  # logged out (or someone else logged in) since
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    return redirect(url_for("lms.resets.choose_password"))


@bp.route("/account/new-password", methods=["GET", "POST"])
@login_required
def choose_password() -> str | Response:
    """Choose a new password right after logging in with a one-time code."""
    if session.get(MARK_KEY) != current_user.id:
        return redirect(url_for("lms.auth.account"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.set_new_password(current_user.id, form.password.data)
        session.pop(MARK_KEY, None)
        login_user(user)  # the session token follows the password: renew this session only
        flash(gettext("Your new password is saved. Use it from now on."), "success")
        return redirect(url_for("lms.courses.catalogue"))
    return render_template("lms/resets/choose_password.html", form=form)
