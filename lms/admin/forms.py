"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from lms.auth.forms import USERNAME_PATTERN, lower_strip, normalise, not_blank
from lms.auth.models import Role


def role_choices() -> list[tuple[str, str]]:
    return [(Role.STUDENT, _l("Student")), (Role.TEACHER, _l("Teacher")),
            (Role.TRAINER, _l("Trainer (writes courses)")), (Role.ADMIN, _l("Administrator"))]


class CreateUserForm(FlaskForm):
    display_name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=120), not_blank],
        filters=[normalise], description=_l("Shown on their pages and printed on certificates."))
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Regexp(USERNAME_PATTERN, message=_l(
            "Use 3 to 32 lowercase letters, digits, dots, dashes or underscores."))],
        filters=[lower_strip])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    email = EmailField(
        _l("Email (optional)"), validators=[Optional(), Email(), Length(max=254)],
        filters=[lower_strip],
        description=_l("Lets them reset a forgotten password themselves."))


class RoleForm(FlaskForm):
    role = SelectField(_l("New role"), choices=role_choices, validators=[DataRequired()])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"), validators=[FileRequired()],
        description=_l("A header row, then one line per account. Columns: username "
                       "(optional), display name, email (optional), role (teacher or "
                       "trainer). Commas or semicolons; UTF-8 or what Excel saves as CSV."),
        render_kw={"accept": ".csv,text/csv"})


class ImportCommitForm(FlaskForm):
    #: The previewed rows, signed (see lms.admin.import_views).
    rows = HiddenField(validators=[DataRequired()])
