"""Admin pages: create an account, change a role, deactivate or reactivate, the admin log
(importing accounts from a CSV file: :mod:`lms.admin.import_views`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.admin import import_views, services
from lms.admin import log as admin_log
from lms.admin.blueprint import admin_required, bp
from lms.admin.forms import CreateUserForm, RoleForm, role_choices
from lms.auth.models import User
from lms.auth.services import AccountError, set_active, set_role
from lms.db import utcnow
from lms.forms import ActionForm
from lms.resets.shown_code import remember_code

# import_views is imported for its routes (registered on bp); listed so it is not "unused".
__all__ = ["admin_required", "bp", "import_views"]


def _target(user_id: int) -> User:
    user = services.account(user_id)
    if user is None:
        abort(404)
    return user


def last_admin_message() -> str:
    return gettext("This is the only active administrator. Make another account an "
                   "administrator first, so that someone can still manage the site.")


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def create_user() -> str | Response:
    """One account of any role; its one-time code is shown once on the next page."""
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            issued = services.create_account(
                current_user.id, username=form.username.data, role=form.role.data,
                display_name=form.display_name.data, email=form.email.data, now=utcnow())
        except AccountError as error:
            if error.field == "email":
                form.email.errors = [gettext("Another account already uses this address.")]
            else:
                form.username.errors = [gettext("This username is taken. Please choose "
                                                "another.")]
        else:
            flash(gettext("The account %(username)s is created.", username=issued.username),
                  "success")
            remember_code(issued)
            return redirect(url_for("lms.resets.admin_code", user_id=issued.user_id), code=303)
    return render_template("lms/admin/create_user.html", form=form)


@bp.route("/admin/users/<int:user_id>/role", methods=["GET", "POST"])
@admin_required
def change_role(user_id: int) -> str | Response:
    user = _target(user_id)
    form = RoleForm()
    if not form.is_submitted():
        form.role.data = user.role
    if form.validate_on_submit():
        try:
            set_role(user.username, form.role.data, actor_id=current_user.id)
        except AccountError:
            form.role.errors = [last_admin_message()]
        else:
            flash(gettext("%(username)s is now: %(role)s.", username=user.username,
                          role=dict(role_choices())[form.role.data]), "success")
            return redirect(url_for("lms.privacy.users", q=user.username))
    return render_template("lms/admin/role.html", form=form, user=user)


@bp.route("/admin/users/<int:user_id>/active", methods=["GET", "POST"])
@admin_required
def toggle_active(user_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then deactivate (no log-in; data kept) or reactivate the account."""
    user = _target(user_id)
    form = ActionForm()
    error = None
    if form.is_submitted() and not form.validate():  # an expired or missing CSRF token
        abort(400)
    if form.is_submitted():
        try:
            set_active(user.username, not user.active, actor_id=current_user.id)
        except AccountError:
            error = last_admin_message()
        else:
            flash(gettext("%(username)s can log in again.", username=user.username)
                  if user.active else
                  gettext("%(username)s is deactivated.", username=user.username), "success")
            return redirect(url_for("lms.privacy.users", q=user.username))
    page = render_template("lms/admin/active.html", form=form, user=user, error=error)
    return (page, 409) if error else page


@bp.get("/admin/log/")
@admin_required
def admin_log_page() -> str:
    """Who did what to which account, and when (the latest 200)."""
    return render_template("lms/admin/log.html", entries=admin_log.recent(),
                           roles=dict(role_choices()))
