"""Account pages: sign up, log in, log out, password reset, account settings."""

from __future__ import annotations

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

from lms.auth import services
from lms.auth.forms import AccountForm, LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from lms.i18n import select_locale, supported_languages
from lms.mail import send_mail
from lms.security import limiter, login_limit, reset_limit, signup_limit
from lms.web import ActionForm, language_choices, safe_next

bp = Blueprint("auth", __name__, url_prefix="/account")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> str | Response:
    """Log in with a username or email address."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("lms.courses.catalogue")))
        form.password.errors.append(gettext("Wrong username or password."))
    elif not form.is_submitted():
        form.next.data = request.args.get("next", "")
    return render_template("lms/auth/login.html", form=form)


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
            flash(gettext("Welcome, %(name)s! Pick a course to start.", name=user.display_name),
                  "success")
            return redirect(url_for("lms.courses.catalogue"))
    return render_template("lms/auth/signup.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def request_reset() -> str | Response:
    """Send a reset link. The answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        reset = services.make_reset_request(
            form.email.data, secret_key=current_app.config["SECRET_KEY"]
        )
        if reset is not None:
            link = url_for("lms.auth.reset_password", token=reset.token, _external=True)
            minutes = current_app.config["LMS_RESET_TOKEN_MAX_AGE"] // 60
            send_mail(
                current_app.config,
                to=str(reset.user.email),
                subject=gettext("Reset your password"),
                body=gettext(
                    "Hello %(name)s,\n\nto choose a new password, open this link within "
                    "%(minutes)d minutes:\n\n%(link)s\n\nIf you did not ask for it, ignore "
                    "this message.",
                    name=reset.user.display_name, minutes=minutes, link=link,
                ),
            )
        flash(gettext("If an account uses that address, we have sent it a link to reset "
                      "the password."), "info")
        return redirect(url_for("lms.auth.login"))
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
                                    language=form.language.data)
        except services.AccountError:
            form.display_name.errors = [gettext(
                "This name is the same as your teacher's. Please add an initial or write it "
                "another way.")]
        else:
            flash(gettext("Your settings are saved."), "success")
            return redirect(url_for("lms.auth.account"))
    if not form.is_submitted():
        form.language.data = current_user.language or ""
    return render_template("lms/auth/account.html", form=form)
