"""Which language a page is shown in."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

SESSION_KEY = "lms_language"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def supported_languages() -> list[str]:
    return list(current_app.config["LMS_LANGUAGES"])


def select_locale() -> str:
    """The user's own setting, then the session's choice, then the browser's Accept-Language."""
    supported = supported_languages()
    default = current_app.config["LMS_DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    user_language = getattr(current_user, "language", None)
    if current_user and current_user.is_authenticated and user_language in supported:
        return str(user_language)
    chosen = session.get(SESSION_KEY)
    if chosen in supported:
        return str(chosen)
    return request.accept_languages.best_match(supported) or default


def page_language() -> str:
    """The language the current page is shown in (``en`` outside a request)."""
    return str(get_locale() or "en")


def text_direction(language: str) -> str:
    return "rtl" if language.split("_")[0] in RTL_LANGUAGES else "ltr"


#: The template context key holding the catalogue of the page being rendered.
CATALOGUE = "lms_catalogue"


def page_catalogue() -> dict[str, Any]:
    """Template context: the catalogue for this render (a forced locale included)."""
    return {CATALOGUE: get_translations()}


def _catalogue(context: Context) -> Any:
    found = context.get(CATALOGUE)
    return found if found is not None else get_translations()


@pass_context
def _gettext(context: Context, message: str) -> str:
    return str(_catalogue(context).ugettext(message))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    return str(_catalogue(context).ungettext(singular, plural, number))


@pass_context
def _pgettext(context: Context, msgctxt: str, message: str) -> str:
    return str(_catalogue(context).upgettext(msgctxt, message))


@pass_context
def _npgettext(context: Context, msgctxt: str, singular: str, plural: str, number: int) -> str:
    return str(_catalogue(context).unpgettext(msgctxt, singular, plural, number))


def install_template_gettext(app: Flask) -> None:
    """Templates look the catalogue up once per render instead of once per string.

    Flask-Babel's own template callables find the locale and catalogue again for each of
    the fifty-odd strings of a page; same results, a tenth of a lesson page's time.
    """
    app.context_processor(page_catalogue)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext,
        newstyle=True)
