"""The verification form (public; changes nothing, so no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length

from lms.badges.verification import MAX_CREDENTIAL_BYTES


class VerifyBadgeForm(FlaskForm):
    class Meta:
        csrf = False  # anyone may check a credential; nothing is stored or changed

    credential = TextAreaField(
        _l("Credential (the text of the .jwt file)"),
        validators=[Length(max=MAX_CREDENTIAL_BYTES)],
        render_kw={"rows": 6, "spellcheck": "false", "autocomplete": "off", "dir": "ltr"})
    image = FileField(_l("Or the badge image (PNG)"), render_kw={"accept": "image/png"})
