"""The ``LMS`` Flask extension: mounts the whole LMS into a host application."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from flask_babel import Babel, lazy_gettext
from flask_login import LoginManager

from lms.config import PACKAGE_DIR, load_config, template_dir
from lms.db import MigrationCommands, db, use_sqlite_pragmas

log = logging.getLogger(__name__)


@dataclass
class LMSState:
    """What the LMS keeps per application, in ``app.extensions["lms"]``."""

    url_prefix: str
    course_dirs: list[Path]
    question_types: dict[str, Any] = field(default_factory=dict)
    # Fingerprinted static URLs by (script root, file name); see lms.static_files.
    static_urls: dict[tuple[str, str], str] = field(default_factory=dict)


class LMS:
    """Mount the LMS in a Flask app: ``LMS(app)`` or ``lms.init_app(app, url_prefix="/learn")``.

    The LMS uses :data:`lms.db.db`; a host with its own SQLAlchemy instance should mount
    the standalone app with ``DispatcherMiddleware`` instead (see the README).
    """

    def __init__(self, app: Flask | None = None, **kwargs: Any) -> None:
        if app is not None:
            self.init_app(app, **kwargs)

    def init_app(
        self, app: Flask, url_prefix: str = "", config: dict[str, Any] | None = None,
        standalone: bool = False,
    ) -> None:
        """Mount every LMS page under ``url_prefix``; ``standalone`` also takes over the
        app-wide error pages (a host keeps its own)."""
        if "lms" in app.extensions:
            raise RuntimeError("the LMS is already registered on this application")
        load_config(app, config)
        from lms.mail import init_mail
        from lms.urls import init_urls

        init_urls(app)
        init_mail(app)
        foreign_db = app.extensions.get("sqlalchemy")
        if foreign_db is not None and foreign_db is not db:
            raise RuntimeError(
                "this app has its own SQLAlchemy instance; use lms.db.db or mount "
                "lms.create_app() with DispatcherMiddleware"
            )
        if foreign_db is None:
            db.init_app(app)
        use_sqlite_pragmas(app)
        if "migrate" not in app.extensions:
            app.cli.add_command(MigrationCommands(
                "db", help="Database migrations (Flask-Migrate): upgrade, check, history…"))
        import lms.models  # noqa: F401  (every table registered before Alembic or create_all)

        _init_babel(app)
        _init_login(app)
        app.jinja_env.add_extension("jinja2.ext.do")

        from lms.plugins import load_question_types

        state = LMSState(
            url_prefix=url_prefix.rstrip("/"),
            course_dirs=resolve_course_dirs(app),
            question_types=load_question_types(),
        )
        app.extensions["lms"] = state
        from lms.cli import register_commands
        from lms.security import init_security
        from lms.web import register_error_handlers

        blueprint = build_blueprint()
        init_security(app, blueprint, standalone=standalone)
        from lms.static_files import cache_fingerprinted, static_url

        app.add_template_global(static_url)
        blueprint.after_app_request(cache_fingerprinted)
        register_error_handlers(app if standalone else blueprint)
        app.register_blueprint(blueprint, url_prefix=state.url_prefix or None)
        register_commands(app)


def migrations_dir() -> Path:
    """The single Alembic tree; shipped inside the package as ``lms/migrations`` when installed."""
    source = PACKAGE_DIR.parent / "migrations"
    return source if (source / "env.py").exists() else PACKAGE_DIR / "_migrations"


def resolve_course_dirs(app: Flask) -> list[Path]:
    """Configured course folders; relative ones are taken from the working directory,
    where ``make run`` and the ``lms`` command are started. Empty entries are skipped, so
    ``LMS_COURSE_DIRS=`` means "no course folder" rather than the working directory."""
    return [Path(entry).resolve() for entry in app.config["LMS_COURSE_DIRS"] if str(entry)]


def build_blueprint() -> Blueprint:
    """The ``lms`` blueprint holding every LMS page, with its templates and static files.

    Blueprint templates rank below the host's, so a host can override ``lms/base.html``.
    """
    from lms.admin.views import bp as admin_bp
    from lms.auth.views import bp as auth_bp
    from lms.authoring.views import bp as authoring_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.classes.views import bp as classes_bp
    from lms.courses.views import bp as courses_bp
    from lms.privacy.views import bp as privacy_bp
    from lms.quizzes.views import bp as quizzes_bp
    from lms.resets.account_views import require_new_password
    from lms.resets.views import bp as resets_bp
    from lms.web import bp as web_bp

    root = Blueprint(
        "lms",
        __name__,
        template_folder=str(template_dir()),
        static_folder=str(PACKAGE_DIR / "static"),
        static_url_path="/static",
    )
    for child in (web_bp, auth_bp, courses_bp, certificates_bp, quizzes_bp, classes_bp,
                  privacy_bp, authoring_bp, resets_bp, admin_bp):
        root.register_blueprint(child)
    # A session opened with a one-time code may do nothing but choose a new password.
    root.before_request(require_new_password)
    return root


def _init_babel(app: Flask) -> None:
    from lms.i18n import install_template_gettext, select_locale

    if "babel" not in app.extensions:
        Babel(app, locale_selector=select_locale, default_translation_directories=str(
            PACKAGE_DIR / "translations"
        ))
        install_template_gettext(app)


def _init_login(app: Flask) -> None:
    from lms.auth.models import User

    login_manager: LoginManager | None = getattr(app, "login_manager", None)
    if login_manager is None:
        login_manager = LoginManager(app)
    login_manager.login_view = "lms.auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The id carries a token derived from the password hash: after a password change
        # (or reset), sessions opened with the old password are no longer valid.
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A deactivated account's sessions stop working at its next request.
        if user is None or user.session_token != token or not user.is_active:
            return None
        return user
