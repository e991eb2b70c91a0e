"""What the forms of every feature share: the button-only form and the language switcher's."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_wtf import FlaskForm
from wtforms import HiddenField


class ActionForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token and nothing else."""


class LanguageForm(ActionForm):
    language = HiddenField()
    next = HiddenField()


@cache
def language_choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each language named in itself ("Italiano", "العربية"), for the switcher."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in codes]
