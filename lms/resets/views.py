"""Reset pages for teachers (from a class's student list) and admins (from the user list).

Each reset is a confirmation page, then a POST that makes the code and redirects to a page
that shows it once (POST-redirect-GET): reloading that page never makes another code, it says
the code was already shown. Between the POST and that page the code travels in the session,
sealed (lms.resets.shown_code).
"""

from __future__ import annotations

import base64

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.auth.models import Role, User
from lms.classes import cards
from lms.classes.blueprint import own_class, teacher_required
from lms.classes.services import NewAccount
from lms.db import db, utcnow
from lms.forms import ActionForm
from lms.resets import services
from lms.resets.services import Permission, ResetRefused
from lms.resets.shown_code import remember_code, take_code
from lms.security import role_required
from lms.urls import external_url

bp = Blueprint("resets", __name__)

# -- shared pages ----------------------------------------------------------------------------


def refusal_message(allowed: Permission, user: User) -> str:
    if allowed.reason == "has_email":
        return gettext("%(name)s has an email address: they can choose a new password "
                       "themselves with “Forgot your password?” on the login page.",
                       name=user.display_name)
    if allowed.reason == "created_by_other":
        return gettext("This account was created by %(teacher)s. Only %(teacher)s or an "
                       "administrator can reset its password.", teacher=allowed.creator_name)
    if allowed.reason == "not_in_active_class":
        return gettext("You can reset the password of students in your active classes only. "
                       "Ask an administrator.")
    if allowed.reason == "self":
        return gettext("This is your own account: you cannot reset its password here.")
    return gettext("Only student accounts can have their password reset here. Ask an "
                   "administrator.")


def _refused(user: User, allowed: Permission, back_url: str) -> tuple[str, int]:
    """The explanation instead of the button; 403 because the reset is not allowed."""
    return render_template("lms/resets/refused.html", user=user, back_url=back_url,
                           message=refusal_message(allowed, user)), 403


def _confirm_or_issue(user: User, back_url: str, code_url: str) -> str | Response | tuple[
        str, int]:
    """The confirmation page (GET) or the reset itself (POST, then to the code page)."""
    allowed = services.permission(current_user.id, user.id)
    if not allowed.allowed:
        return _refused(user, allowed, back_url)
    form = ActionForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        try:
            remember_code(services.issue_code(current_user.id, user.id, now=utcnow()))
        except ResetRefused as error:
            return _refused(user, error.permission, back_url)
        return redirect(code_url, code=303)
    return render_template("lms/resets/confirm.html", user=user, form=form, back_url=back_url,
                           days=services.CODE_LIFETIME.days,
                           earlier=services.resets_of(user.id, limit=1))


def _code_page(user: User, *, class_name: str, back_url: str, again_url: str
               ) -> Response | tuple[str, int]:
    """The one page that shows the code, with its printable card; never cached."""
    allowed = services.permission(current_user.id, user.id)
    if not allowed.allowed:
        return _refused(user, allowed, back_url)
    issued = take_code(user)
    cards_uri = None
    if issued is not None:
        account = NewAccount(user.id, user.display_name, user.username,
                             services.format_code(issued.code), valid_until=issued.expires_at)
        pdf = cards.render_login_cards(
            [account], class_name=class_name,
            site_url=external_url("lms.auth.login"),
            site_name=current_app.config["LMS_SITE_NAME"])
        cards_uri = "data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii")
    response = make_response(render_template(
        "lms/resets/code.html", user=user, issued=issued, cards_uri=cards_uri,
        code=services.format_code(issued.code) if issued else None, back_url=back_url,
        again_url=again_url, login_url=external_url("lms.auth.login")))
    response.headers["Cache-Control"] = "no-store"
    return response


# -- teachers --------------------------------------------------------------------------------


def _student(class_id: int, user_id: int) -> User:
    """A member of the teacher's class; 404 for anyone else (teachers see their students)."""
    own_class(class_id)
    student = services.class_member(class_id, user_id)
    if student is None:
        abort(404)
    return student


@bp.route("/teach/classes/<int:class_id>/students/<int:user_id>/reset", methods=["GET", "POST"])
@teacher_required
def teacher_reset(class_id: int, user_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then make a one-time code for a student of the class."""
    student = _student(class_id, user_id)
    return _confirm_or_issue(
        student, url_for("lms.classes.members", class_id=class_id),
        url_for(".teacher_code", class_id=class_id, user_id=user_id))


@bp.get("/teach/classes/<int:class_id>/students/<int:user_id>/reset/code")
@teacher_required
def teacher_code(class_id: int, user_id: int) -> Response | tuple[str, int]:
    """The code just made, shown once with its login card."""
    student = _student(class_id, user_id)
    return _code_page(student, class_name=own_class(class_id).name,
                      back_url=url_for("lms.classes.members", class_id=class_id),
                      again_url=url_for(".teacher_reset", class_id=class_id, user_id=user_id))


# -- admins ----------------------------------------------------------------------------------


def _admin_target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    return user


@bp.route("/admin/users/<int:user_id>/reset", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_reset(user_id: int) -> str | Response | tuple[str, int]:
    """Admins: confirm, then make a one-time code for any account but their own."""
    user = _admin_target(user_id)
    return _confirm_or_issue(user, url_for("lms.privacy.users"),
                             url_for(".admin_code", user_id=user_id))


@bp.get("/admin/users/<int:user_id>/reset/code")
@role_required(Role.ADMIN)
def admin_code(user_id: int) -> Response | tuple[str, int]:
    user = _admin_target(user_id)
    return _code_page(user, class_name="", back_url=url_for("lms.privacy.users"),
                      again_url=url_for(".admin_reset", user_id=user_id))


@bp.get("/admin/resets/")
@role_required(Role.ADMIN)
def admin_list() -> str:
    """Admins: the latest password resets on the site, who made them and for whom."""
    return render_template("lms/resets/admin_list.html", records=services.recent_resets(),
                           now=utcnow())
