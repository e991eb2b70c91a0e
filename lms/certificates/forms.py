"""Certificate forms: the printed name, the verify box, the revoke reason, the admin's search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from lms.certificates.listing import MAX_SEARCH_LENGTH, Status
from lms.certificates.naming import MAX_NAME_LENGTH, CertificateError
from lms.certificates.naming import clean_printed_name as _clean
from lms.certificates.services import MAX_REASON_LENGTH


def printable_name(form: FlaskForm, field: StringField) -> None:
    try:
        field.data = _clean(field.data or "")
    except CertificateError as error:
        raise ValidationError(str(error)) from error


class PrintedNameForm(FlaskForm):
    printed_name = StringField(
        _l("Name on your certificates"),
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH), printable_name],
        description=_l("Write it as it should appear on a CV. It cannot be changed on a "
                       "certificate once issued."),
        render_kw={"autocomplete": "name", "dir": "auto", "maxlength": MAX_NAME_LENGTH},
    )
    language = SelectField(_l("Language of your certificates"), choices=[])


class ClaimForm(PrintedNameForm):
    """Confirm the name shown as printed (``shown_name``) and get the certificate."""

    printed_name = StringField(
        _l("Name to print"),
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH), printable_name],
        description=_l("To change it, correct it here: you will see it as printed again "
                       "before anything is issued."),
        render_kw={"autocomplete": "name", "dir": "auto", "maxlength": MAX_NAME_LENGTH},
    )
    shown_name = HiddenField()


class ReissueForm(FlaskForm):
    printed_name = ClaimForm.printed_name
    shown_name = HiddenField()


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search box: nothing changes

    code = StringField(
        _l("Certificate code"), validators=[DataRequired(), Length(max=64)],
        description=_l("For example K7QM-3XF9-T2HD. Upper or lower case, with or without dashes."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                   "inputmode": "text", "dir": "ltr"},
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON_LENGTH)],
        description=_l("Shown publicly on the verification page."),
    )
    correctable = BooleanField(
        _l("The learner can put this right and claim the certificate again"),
        description=_l("For example a wrong name. Leave unticked for misconduct."),
    )


class CertificateSearchForm(FlaskForm):
    """The filters above the admin's certificate list (a GET form)."""

    class Meta:
        csrf = False  # a GET search box: nothing changes

    q = StringField(
        _l("Code or name"), validators=[Length(max=MAX_SEARCH_LENGTH)],
        description=_l("Part of a certificate code or of the printed name."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "auto",
                   "maxlength": MAX_SEARCH_LENGTH},
    )
    # Choices are the courses that have certificates, set by the view after the query; an
    # unknown slug (an old bookmark) just matches nothing.
    course = SelectField(_l("Course"), choices=[], default="", validate_choice=False)
    status = SelectField(_l("Status"), default="", choices=[
        SelectChoice("", _l("Any status")), SelectChoice(Status.VALID.value, _l("Valid")),
        SelectChoice(Status.REISSUED.value, _l("Reissued")),
        SelectChoice(Status.REVOKED.value, _l("Revoked")),
    ])
