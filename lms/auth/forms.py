"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from lms.names import clean_name

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,31}$"


def not_blank(form: FlaskForm, field: StringField) -> None:
    """Spaces or invisible characters alone are not a name (the services store
    ``clean_name`` of what was typed)."""
    if field.data is not None and not clean_name(field.data):
        raise ValidationError(_l("Please enter a name."))


def normalise(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def lower_strip(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    login = StringField(
        _l("Username or email"), validators=[DataRequired(), Length(max=254)],
        filters=[lower_strip], render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class SignupForm(FlaskForm):
    display_name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120), not_blank],
        filters=[normalise], description=_l("Shown on your pages and printed on certificates."),
        render_kw={"autocomplete": "name"},
    )
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Regexp(USERNAME_PATTERN, message=_l(
                "Use 3 to 32 lowercase letters, digits, dots, dashes or underscores."
            )),
        ],
        filters=[lower_strip], description=_l("You log in with it. Others do not see it."),
        render_kw={"autocomplete": "username"},
    )
    email = EmailField(
        _l("Email (optional)"), validators=[Optional(), Email(), Length(max=254)],
        filters=[lower_strip],
        description=_l("Only needed to reset a forgotten password. We never share it."),
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("At least 8 characters."), render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    birth_year = IntegerField(
        _l("Year of birth"),
        validators=[InputRequired(message=_l("Please enter the year you were born.")),
                    NumberRange(min=1900, max=2100, message=_l(
                        "Please enter a year with four digits, like 2008."))],
        description=_l("Only to check that you may sign up yourself. It is not stored."),
        render_kw={"inputmode": "numeric", "autocomplete": "bday-year", "maxlength": 4},
    )
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[lower_strip],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("At least 8 characters."), render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class AccountForm(FlaskForm):
    display_name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120), not_blank],
        filters=[normalise], render_kw={"autocomplete": "name"},
        description=_l("Certificates already issued keep the old name until they are "
                       "reissued."),
    )
    language = SelectField(_l("Language"), choices=[])
    weekly_digest = BooleanField(
        _l("Email me a weekly summary of due and overdue work"),
        description=_l("Sent once a week to a confirmed email address."))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("At least 8 characters. You stay logged in here; every other device "
                       "is logged out."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class EmailForm(FlaskForm):
    email = EmailField(
        _l("New email address"), validators=[DataRequired(), Email(), Length(max=254)],
        filters=[lower_strip],
        description=_l("We send a link to it; it is used for password resets once you open "
                       "the link."),
        render_kw={"autocomplete": "email"},
    )
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
