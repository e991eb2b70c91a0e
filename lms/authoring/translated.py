"""Author-facing messages in the page's language: checker problems and refused changes.

The pure cores (course checker, drafts, zips, images) build their messages from templates
marked with ``lms.problems.N_``; here they meet the catalogue of the request. Anything
without a template (a question-type plugin's plain string) is shown as it is.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context

from lms.i18n import CATALOGUE
from lms.problems import translate

__all__ = ["translated", "translated_filter"]


def translated(message: Any) -> str:
    """``message`` (a Problem, DraftProblem, DraftError, …) in the request's language."""
    return translate(message, get_translations().ugettext)


@pass_context
def translated_filter(context: Context, message: Any) -> str:
    """``{{ problem | translated }}``, with the catalogue the page is rendered in."""
    catalogue = context.get(CATALOGUE) or get_translations()
    return translate(message, catalogue.ugettext)
