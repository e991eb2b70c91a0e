"""Forms of the personal-data pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class DeleteOwnAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired()],
        description=_l("To be sure it is you, type your password."),
        render_kw={"autocomplete": "current-password"})


class DeleteOtherAccountForm(FlaskForm):
    """An admin or teacher confirms by typing the username."""

    username = StringField(_l("Username of the account to delete"),
                           validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "off"})


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search box

    q = StringField(_l("Search by username or name"), validators=[Length(max=64)])
