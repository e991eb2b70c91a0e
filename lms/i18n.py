"""Which language a page is shown in."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

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


def text_direction(language: str) -> str:
    return "rtl" if language.split("_")[0] in RTL_LANGUAGES else "ltr"
