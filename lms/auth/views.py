"""Account pages: sign up, log in, log out, password reset, account settings."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from lms import hooks
from lms.auth import services
from lms.auth.consent import old_enough
from lms.auth.forms import AccountForm, LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from lms.auth.models import Role, User
from lms.auth.reset_mail import queue_reset_email
from lms.db import utcnow
from lms.forms import ActionForm, language_choices
from lms.i18n import select_locale, supported_languages
from lms.limits import (
    failed,
    limiter,
    login_account_key,
    login_account_limit,
    login_limit,
    reset_account_key,
    reset_account_limit,
    reset_limit,
    signup_limit,
)
from lms.mail.outbox import send_after_response
from lms.urls import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/account")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed)
@limiter.limit(login_account_limit, methods=["POST"], key_func=login_account_key,
               deduct_when=failed)
def login() -> str | Response:
    """Log in with a username or email address.

    Only failed attempts count: per address (a class behind one school router shares it) and
    per account typed.
    """
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None and not user.is_active:
            # Said only after the right password, so it reveals nothing to a guesser.
            form.login.errors.append(gettext(
                "This account is deactivated. Please ask your teacher or the site's "
                "administrator."))
        elif user is not None:
            login_user(user)
            joined = _join_pending(user.id, form.next.data)
            if joined is not None:
                return joined
            return redirect(safe_next(form.next.data, landing_page(user)))
        else:
            # Not the password: perhaps another way in (lms.resets: a teacher's one-time code).
            problem = None
            for fallback in hooks.login_fallbacks:
                code_login, problem = fallback(form.login.data, form.password.data)
                if code_login is not None:
                    return code_login
                if problem is not None:
                    break
            # For the operator (fail2ban, a teacher asking why a pupil is locked out); never
            # the password. %r keeps a typed newline from forging a log line.
            log.warning("failed login for %r from %s", form.login.data[:100], request.remote_addr)
            form.password.errors.append(problem or gettext("Wrong username or password."))
    elif not form.is_submitted():
        form.next.data = request.args.get("next", "")
    return render_template("lms/auth/login.html", form=form,
                           **hooks.extras(hooks.sign_in_extras, form.next.data))


def landing_page(user: User) -> str:
    """Where a login without ``next`` goes: teachers to their classes, others the catalogue."""
    if user.role == Role.TEACHER:
        return url_for("lms.classes.index")
    return url_for("lms.courses.catalogue")


def _join_pending(user_id: int, next_url: str | None) -> Response | None:
    """Where a feature sends the user right after sign-up or login (lms.classes: into the
    class of a join link), or None for the usual page."""
    for redirect_after in hooks.after_sign_in:
        response = redirect_after(user_id, next_url)
        if response is not None:
            return response
    return None


@bp.post("/logout")
def logout() -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("lms.courses.catalogue"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(signup_limit, methods=["POST"])
def signup() -> str | Response:
    """Create a learner account. An email address is optional (many learners are minors)."""
    form = SignupForm()
    if form.validate_on_submit() and not old_enough(
            form.birth_year.data, current_app.config["LMS_AGE_OF_CONSENT"], utcnow().date()):
        # Nothing is stored, not even the attempt: the page explains the class-account route.
        return render_template("lms/auth/signup_too_young.html",
                               age=current_app.config["LMS_AGE_OF_CONSENT"],
                               **hooks.extras(hooks.sign_in_extras, form.next.data))
    if form.validate_on_submit():
        try:
            user = services.create_user(
                username=form.username.data,
                password=form.password.data,
                display_name=form.display_name.data,
                email=form.email.data or None,
                language=select_locale(),
            )
        except services.AccountError as error:
            field = form.email if error.field == "email" else form.username
            field.errors = [
                gettext("An account with this email already exists. Try logging in.")
                if error.field == "email"
                else gettext("This username is taken. Please choose another.")
            ]
        else:
            login_user(user)
            joined = _join_pending(user.id, form.next.data)
            if joined is not None:
                return joined
            flash(gettext("Welcome, %(name)s! Pick a course to start.", name=user.display_name),
                  "success")
            return redirect(url_for("lms.courses.catalogue"))
    elif not form.is_submitted():
        form.next.data = request.args.get("next", "")
    return render_template("lms/auth/signup.html", form=form,
                           **hooks.extras(hooks.sign_in_extras, form.next.data))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
@limiter.limit(reset_account_limit, methods=["POST"], key_func=reset_account_key)
def request_reset() -> str | Response:
    """Send a reset link. The answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        config = current_app.config
        message_id = queue_reset_email(
            form.email.data, secret_key=config["SECRET_KEY"],
            max_age=config["LMS_RESET_TOKEN_MAX_AGE"], language=select_locale(), now=utcnow())
        flash(gettext("If an account uses that address, we have sent it a link to reset "
                      "the password."), "info")
        response = redirect(url_for("lms.auth.login"))
        # Sent after the answer has gone out, so neither a slow or broken mail server nor
        # the existence of the account changes what the visitor sees, or when.
        return response if message_id is None else send_after_response(response, message_id)
    return render_template("lms/auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password with an emailed token (expired or used tokens are refused)."""
    config = current_app.config
    user = services.user_for_reset_token(
        token, secret_key=config["SECRET_KEY"], max_age=config["LMS_RESET_TOKEN_MAX_AGE"]
    )
    if user is None:
        return render_template("lms/auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(
            token, form.password.data,
            secret_key=config["SECRET_KEY"], max_age=config["LMS_RESET_TOKEN_MAX_AGE"],
        )
        flash(gettext("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("lms.auth.login"))
    return render_template("lms/auth/reset_password.html", form=form)


@bp.route("/", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    """The learner's own settings: name and language."""
    form = AccountForm(obj=current_user)
    form.language.choices = [("", gettext("Same as my browser")),
                             *language_choices(tuple(supported_languages()))]
    if form.validate_on_submit():
        if form.language.data and form.language.data not in supported_languages():
            abort(400)
        try:
            services.update_account(current_user.id, display_name=form.display_name.data,
                                    language=form.language.data,
                                    weekly_digest=bool(form.weekly_digest.data))
        except services.AccountError:
            form.display_name.errors = [gettext(
                "This name is the same as your teacher's. Please add an initial or write it "
                "another way.")]
        else:
            flash(gettext("Your settings are saved."), "success")
            return redirect(url_for("lms.auth.account"))
    if not form.is_submitted():
        form.language.data = current_user.language or ""
        form.weekly_digest.data = not current_user.digest_opt_out
    return render_template("lms/auth/account.html", form=form)

# The account pages live beside these views, on the same blueprint.
from lms.auth import account_views  # noqa: E402,F401
