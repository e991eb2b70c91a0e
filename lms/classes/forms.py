"""Class forms. Choices that come from the database are filled in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.auth.forms import normalise, not_blank


class ClassForm(FlaskForm):
    name = StringField(
        _l("Class name"), validators=[DataRequired(), Length(max=120), not_blank],
        filters=[normalise], description=_l('For example "3B – 2026/27" or "Geography, group 2".'),
    )
    course = SelectField(_l("Main course (optional)"), choices=[], validate_choice=True,
                         description=_l("The progress dashboard opens on this course."))


class JoinForm(FlaskForm):
    code = StringField(
        _l("Class code"),
        validators=[DataRequired(message=_l("Please type the code your teacher gave you.")),
                    Length(max=40)], filters=[normalise],
        description=_l("Six letters and digits from your teacher, for example K7M XQ2."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class AccountsForm(FlaskForm):
    names = TextAreaField(
        _l("Students' names"),
        validators=[DataRequired(message=_l("Please enter at least one name.")),
                    Length(max=20000)],
        description=_l(
            "One name per line, at most 100. A first name and an initial is enough: "
            "no email address or other personal data is needed."),
        render_kw={"rows": 10, "spellcheck": "false"},
    )


class AssignForm(FlaskForm):
    target = SelectField(_l("What to assign"), choices=[], validate_choice=True)
    due_date = DateField(
        _l("Due date (optional)"), validators=[Optional()],
        description=_l("Students see it as due at the end of this day."),
    )
