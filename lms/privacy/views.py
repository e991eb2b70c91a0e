"""Personal-data pages: download my data, delete my account, delete accounts for others."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, logout_user

from lms.auth.models import Role, User
from lms.db import db, utcnow
from lms.privacy import services
from lms.privacy.forms import DeleteOtherAccountForm, DeleteOwnAccountForm, UserSearchForm
from lms.security import role_required

bp = Blueprint("privacy", __name__)


def _refusal(error: services.PrivacyError) -> str:
    if error.reason == "last_admin":
        return gettext("This is the only administrator account, so it cannot be deleted. "
                       "Make another account an administrator first.")
    return gettext("This account cannot be deleted.")


def _json_download(exported: dict[str, Any], filename: str) -> Response:
    """A person's data as a JSON attachment that no cache keeps."""
    body = json.dumps(exported, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


@bp.get("/account/data.json")
@login_required
def data() -> Response:
    """Everything the LMS holds about the logged-in person, as a JSON download."""
    return _json_download(services.export_user_data(current_user.id), "my-data.json")


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_own() -> str | Response:
    """Delete my own account after typing my password."""
    form = DeleteOwnAccountForm()
    if form.validate_on_submit():
        if not services.check_password(current_user.id, form.password.data):
            form.password.errors = [gettext("This is not your password.")]
        else:
            try:
                services.delete_account(current_user.id, now=utcnow())
            except services.PrivacyError as error:
                flash(_refusal(error), "error")
            else:
                logout_user()
                flash(gettext("Your account is deleted. Goodbye!"), "info")
                return redirect(url_for("lms.courses.catalogue"))
    return render_template("lms/privacy/delete_own.html", form=form)


@bp.route("/account/delete/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def delete_other(user_id: int) -> str | Response:
    """An admin deletes any account; a teacher the student accounts they created."""
    if user_id == current_user.id:
        return redirect(url_for(".delete_own"))
    if not services.may_delete(current_user.id, user_id):
        abort(404)  # not theirs (or gone): reveal nothing about the account
    target = db.get_or_404(User, user_id)
    form = DeleteOtherAccountForm()
    if form.validate_on_submit():
        if (form.username.data or "").strip().lower() != target.username:
            form.username.errors = [gettext("Type the username exactly as shown.")]
        else:
            name = target.display_name
            try:
                services.delete_account(user_id, now=utcnow())
            except services.PrivacyError as error:
                flash(_refusal(error), "error")
            else:
                flash(gettext("The account of %(name)s is deleted.", name=name), "success")
                target_page = (".users" if current_user.role == Role.ADMIN
                               else ".created_accounts")
                return redirect(url_for(target_page))
    return render_template("lms/privacy/delete_other.html", form=form, target=target)


@bp.get("/admin/users/")
@role_required(Role.ADMIN)
def users() -> str:
    """Admins: find an account to delete (or to download its data)."""
    form = UserSearchForm(request.args)
    search = (form.q.data or "") if form.validate() else ""
    return render_template("lms/privacy/users.html", form=form,
                           users=services.active_users(search))


@bp.get("/admin/users/<int:user_id>/data.json")
@role_required(Role.ADMIN)
def user_data(user_id: int) -> Response:
    """Admins: a person's data, to answer an access request made on paper or by email."""
    try:
        exported = services.export_user_data(user_id)
    except services.PrivacyError:
        abort(404)
    return _json_download(exported, f"user-{user_id}-data.json")


@bp.get("/teach/accounts/")
@role_required(Role.TEACHER)
def created_accounts() -> str:
    """Teachers: the student accounts they created, each of which they may delete."""
    return render_template("lms/privacy/created_accounts.html",
                           users=services.deletable_by_teacher(current_user.id))
