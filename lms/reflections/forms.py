"""The comment form on the reflections page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from lms.auth.forms import normalise
from lms.reflections.services import MAX_COMMENT


class CommentForm(FlaskForm):
    attempt = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    key = HiddenField(validators=[DataRequired(), Length(max=64)])
    body = TextAreaField(
        _l("Private comment"),
        filters=[normalise],
        validators=[DataRequired(message=_l("Please write a comment.")),
                    Length(max=MAX_COMMENT, message=_l(
                        "A comment can be at most %(max)d characters long."))],
        description=_l("Only this student sees it, on their quiz result and home page."),
        render_kw={"rows": 3},
    )
