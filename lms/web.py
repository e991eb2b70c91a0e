"""Site-wide pages and plumbing: home, health check, language switch, error pages."""

from __future__ import annotations

import logging
from typing import Any

from babel import Locale
from flask import Blueprint, Flask, abort, redirect, render_template, session, url_for
from flask_babel import format_decimal, get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import HiddenField

from lms.db import db
from lms.i18n import SESSION_KEY, supported_languages, text_direction

log = logging.getLogger(__name__)

bp = Blueprint("site", __name__)


class ActionForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token and nothing else."""


class LanguageForm(ActionForm):
    language = HiddenField()
    next = HiddenField()


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after a form, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


@bp.get("/")
def home() -> Response:
    """The site's front door is the catalogue."""
    return redirect(url_for("lms.courses.catalogue"))


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """For load balancers and uptime checks: 200 when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy; the reason goes to the log
        log.exception("health check failed")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language: on the account when logged in, else in the session."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.language.data not in supported_languages():
        abort(400)
    language = str(form.language.data)
    session[SESSION_KEY] = language
    if current_user.is_authenticated:
        from lms.auth.services import set_user_language

        set_user_language(current_user.id, language)
    return redirect(safe_next(form.next.data, url_for("lms.courses.catalogue")))


@bp.app_template_filter("numberformat")
def number_format(value: float | int, format: str | None = None) -> str:
    """``{{ 1234.5 | numberformat }}``: 1,234.5 in English, 1.234,5 in Italian. Dates use
    Flask-Babel's own ``dateformat``/``datetimeformat`` filters."""
    return str(format_decimal(value, format=format))


@bp.app_context_processor
def layout_context() -> dict[str, Any]:
    """Values every LMS page's layout needs (language, direction, switcher)."""
    locale = str(get_locale() or "en")
    return {
        "page_language": locale,
        "page_direction": text_direction(locale),
        "text_direction": text_direction,
        "language_choices": [
            (code, Locale.parse(code).get_display_name(code).capitalize())
            for code in supported_languages()
        ],
        "csrf_token": generate_csrf,
    }


def render_error(error: HTTPException) -> tuple[str, int]:
    """Every HTTP error in the site's layout, with a plain explanation."""
    messages = {
        400: gettext("The request could not be understood. Please go back and try again."),
        403: gettext("You do not have permission to see this page."),
        404: gettext("We could not find that page. It may have moved or never existed."),
        405: gettext("That action is not possible on this page."),
        413: gettext("The file you sent is too large."),
        429: gettext("Too many requests. Please wait a minute and try again."),
    }
    code = error.code or 500
    message = messages.get(code, gettext("Something went wrong on our side. Please try again."))
    return render_template("lms/error.html", code=code, message=message), code


def register_error_handlers(target: Flask | Blueprint) -> None:
    """Error pages for the LMS's own views (a blueprint) or for a whole standalone site (an app)."""
    target.register_error_handler(HTTPException, render_error)

    @target.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        message = gettext("Something went wrong on our side. Please try again.")
        return render_template("lms/error.html", code=500, message=message), 500

