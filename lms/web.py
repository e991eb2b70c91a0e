"""Site-wide pages and plumbing: home, health check, language switch, error pages."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_decimal, format_timedelta, gettext
from flask_login import AnonymousUserMixin, current_user
from markupsafe import Markup
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from lms.db import db
from lms.features import Feature
from lms.forms import LanguageForm, language_choices
from lms.i18n import SESSION_KEY, page_language, supported_languages, text_direction
from lms.layout import csrf_token, site_header
from lms.limits import seconds_until_reset
from lms.percent import shown_percent
from lms.urls import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("site", __name__)


@bp.get("/")
def home() -> Response:
    """The site's front door is the catalogue."""
    return redirect(url_for("lms.courses.catalogue"))


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers and tools that ask for /favicon.ico get the SVG icon instead of a 404."""
    return redirect(url_for("lms.static", filename="lms/favicon.svg"), code=301)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """For load balancers and uptime checks: 200 when the database answers at the schema
    this version expects; 503 with the reason otherwise (missing, not migrated, behind)."""
    from lms.maintenance.health import database_problem

    problem = database_problem()
    if problem is not None:
        return {"status": "error", "database": problem}, 503
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


@bp.app_template_filter("bdi")
def bidi_isolate(text: str) -> Markup:
    """``_("Next: %(title)s", title=title | bdi)``: an English title inside an Arabic sentence
    (or the reverse) keeps its own direction without reordering the words around it."""
    return Markup("<bdi>{}</bdi>").format(text)


@bp.app_template_global("content_lang")
def content_language(language: str | None) -> Markup:
    """``<p{{ content_lang(text.language) }}>``: ` lang="en" dir="ltr"` on course content shown
    inside a page in another language (an untranslated course), so its punctuation and
    pronunciation follow the text; ` dir="auto"` when the text's language is not known."""
    if not language:
        return Markup(' dir="auto"')
    return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))


@bp.app_template_filter("percent")
def percent_filter(value: float | None) -> int:
    """``{{ score | percent }}``: the one rounding rule for percentages (down, see
    lms.percent), so 69.6% never reads as the 70% pass mark."""
    return shown_percent(value)


@bp.app_template_filter("numberformat")
def number_format(value: float | int, format: str | None = None) -> str:
    """``{{ 1234.5 | numberformat }}``: 1,234.5 in English, 1.234,5 in Italian. Dates use
    Flask-Babel's own ``dateformat``/``datetimeformat`` filters."""
    return str(format_decimal(value, format=format))


@bp.app_context_processor
def layout_context() -> dict[str, Any]:
    """Values every LMS page's layout needs (language, direction, switcher)."""
    locale = page_language()
    return {
        "page_language": locale,
        "page_direction": text_direction(locale),
        "text_direction": text_direction,
        "language_choices": language_choices(tuple(supported_languages())),
        "csrf_token": csrf_token,
        "lms_site_header": site_header,
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
    if code == 429 and (seconds := seconds_until_reset()) is not None:
        # From the limit that was hit: an hourly one must not promise a minute.
        wait = format_timedelta(timedelta(seconds=seconds))
        message = gettext("Too many requests. Please wait %(time)s and try again.", time=wait)
    return render_template("lms/error.html", code=code, message=message), code


def register_error_handlers(target: Flask | Blueprint) -> None:
    """Error pages for the LMS's own views (a blueprint) or for a whole standalone site (an app)."""
    target.register_error_handler(HTTPException, render_error)

    for error_class in (OperationalError, InterfaceError, PoolTimeoutError):
        target.register_error_handler(error_class, database_unavailable)

    @target.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        message = gettext("Something went wrong on our side. Please try again.")
        return render_template("lms/error.html", code=500, message=message), 500



def database_unavailable(error: Exception) -> tuple[str, int]:
    """503 and one log line when the database cannot be reached, instead of a traceback per
    request: during an outage the cause is the same every time, and a 90-line traceback per
    request buries everything else in the log."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    log.error("database unavailable: %s %s: %s", request.method, request.path,
              reason[0] if reason else type(error).__name__)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the session is discarded after the request
        log.debug("rollback failed", exc_info=True)
    # The language and the layout ask who is logged in, which needs the database: show the
    # page as to a visitor, and as plain text if even that fails.
    g._login_user = AnonymousUserMixin()
    message = gettext("The service is temporarily unavailable. Please try again in a few "
                      "minutes.")
    try:
        return render_template("lms/error.html", code=503, message=message), 503
    except Exception:  # a page of last resort must not fail
        log.debug("error page failed", exc_info=True)
        return message, 503


#: The site pages' registration (see lms.features).
feature = Feature(name="site", blueprints=(bp,))
