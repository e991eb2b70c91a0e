"""The admin's form for a platform registration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _url(label: str, description: str) -> StringField:
    return StringField(label, validators=[DataRequired(), Length(max=1000),
                                          URL(require_tld=False, message=_l(
                                              "Enter a full address starting with https://"))],
                       filters=[_strip], description=description)


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)],
                       filters=[_strip], description=_l("For you, e.g. the school's Moodle."))
    issuer = StringField(_l("Platform ID (issuer)"),
                         validators=[DataRequired(), Length(max=255)], filters=[_strip],
                         description=_l("Moodle: the site's address, e.g. https://moodle.school.example"))
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)],
                            filters=[_strip])
    deployment_ids = TextAreaField(
        _l("Deployment IDs"), validators=[DataRequired()],
        description=_l("One a line. Moodle shows it in the tool's details."))
    auth_login_url = _url(_l("Authentication request URL"),
                          _l("Moodle: …/mod/lti/auth.php"))
    auth_token_url = _url(_l("Access token URL"), _l("Moodle: …/mod/lti/token.php"))
    key_set_url = _url(_l("Public keyset URL"), _l("Moodle: …/mod/lti/certs.php"))


class PickerForm(FlaskForm):
    """The deep-linking picker: one course or module (choices set by the view), grades or not."""

    target = RadioField(_l("What the activity opens"),
                        validators=[InputRequired(_l("Choose a course or a module."))])
    grades = BooleanField(_l("Send grades to the platform"),
                          description=_l("The platform's gradebook gets a column for this "
                                         "activity; each learner's score arrives when they "
                                         "complete it."))
