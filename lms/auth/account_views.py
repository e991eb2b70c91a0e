"""My account pages: change the password, add, change or confirm the email address."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from lms.auth import account
from lms.auth.forms import ChangePasswordForm, EmailForm
from lms.auth.services import AccountError
from lms.auth.views import bp
from lms.db import utcnow
from lms.forms import ActionForm
from lms.i18n import select_locale
from lms.limits import failed, limiter, login_limit, reset_limit
from lms.mail.outbox import send_after_response

WRONG_PASSWORD = "wrong password"


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed)
def change_password() -> str | Response:
    """A new password; the current one is asked so an unattended session cannot take over."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = account.change_password(current_user.id, current=form.current_password.data,
                                           new=form.password.data)
        except AccountError:
            form.current_password.errors = [gettext("This is not your current password.")]
        else:
            login_user(user)  # the session token follows the password: renew this one only
            flash(gettext("Your password is changed. Every other device is logged out."),
                  "success")
            return redirect(url_for("lms.auth.account"))
    return render_template("lms/auth/change_password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed)
def change_email() -> str | Response:
    """Ask for a confirmation link; the address is stored only when the link is opened."""
    form = EmailForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            change = account.request_email_change(
                current_user.id, password=form.current_password.data, email=form.email.data,
                secret_key=config["SECRET_KEY"], max_age=config["LMS_RESET_TOKEN_MAX_AGE"],
                language=select_locale(), now=utcnow())
        except AccountError as error:
            if error.field == "email":
                form.email.errors = [gettext("Another account already uses this address.")]
            else:
                form.current_password.errors = [gettext("This is not your current password.")]
        else:
            flash(gettext("We have sent a link to %(email)s. Open it to start using the "
                          "address.", email=change.email), "info")
            return send_after_response(redirect(url_for("lms.auth.account")),
                                       change.message_id)
    return render_template("lms/auth/change_email.html", form=form)


@bp.post("/email/confirm")
@login_required
# Each request sends an email: limited like reset requests, which send one too.
@limiter.limit(reset_limit)
def request_confirmation() -> Response:
    """Send a confirmation link to the address the account has but never confirmed."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    config = current_app.config
    try:
        sent = account.request_email_confirmation(
            current_user.id, secret_key=config["SECRET_KEY"],
            max_age=config["LMS_RESET_TOKEN_MAX_AGE"], language=select_locale(), now=utcnow())
    except AccountError:  # no address, or confirmed meanwhile (another tab): the page says
        return redirect(url_for("lms.auth.account"))
    flash(gettext("We have sent a link to %(email)s. Open it to confirm the address.",
                  email=sent.email), "info")
    return send_after_response(redirect(url_for("lms.auth.account")), sent.message_id)


@bp.get("/email/<token>")
def confirm_email(token: str) -> str | Response | tuple[str, int]:
    """Open the emailed link: the address becomes the account's (for resets too)."""
    config = current_app.config
    try:
        account.confirm_email(token, secret_key=config["SECRET_KEY"],
                              max_age=config["LMS_RESET_TOKEN_MAX_AGE"])
    except AccountError as error:
        message = (gettext("Another account started using this address meanwhile.")
                   if error.field == "email" else
                   gettext("This link no longer works: it expired or was already used. "
                           "Ask for a new one on your account page."))
        return render_template("lms/auth/email_invalid.html", message=message), 400
    flash(gettext("Your email address is confirmed."), "success")
    return redirect(url_for("lms.auth.account") if current_user.is_authenticated
                    else url_for("lms.auth.login"))
