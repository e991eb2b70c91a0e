"""The ``LMS`` Flask extension: mounts the whole LMS into a host application."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Flask
from flask_babel import Babel, lazy_gettext
from flask_login import LoginManager

from lms import db_reads, session_cookies
from lms.config import PACKAGE_DIR, load_config, template_dir
from lms.db import MigrationCommands, db, use_sqlite_pragmas
from lms.features import Feature, NavEntry, load_feature, plugin_features, visible_nav

log = logging.getLogger(__name__)

#: The features registered through their :class:`lms.features.Feature` (``module:attribute``,
#: ``feature`` by default); plugin distributions add theirs with ``lms.features`` entry points.
FEATURES: list[str] = [
    "lms.web",
    "lms.cli",
    "lms.auth.feature",
    "lms.courses.feature",
    "lms.progress.feature",
    "lms.quizzes.feature",
    "lms.learning.feature",
    "lms.certificates.feature",
    "lms.mail.feature",
    "lms.privacy.feature",
    "lms.authoring.feature",
    "lms.admin.feature",
    "lms.maintenance.feature",
    "lms.classes.feature",
    "lms.resets.feature",
    "lms.badges.feature",
    "lms.reflections.feature",
    "lms.reminders.feature",
    "lms.handouts.feature",
    "lms.lti.feature",
]


@dataclass
class LMSState:
    """What the LMS keeps per application, in ``app.extensions["lms"]``."""

    url_prefix: str
    course_dirs: list[Path]
    question_types: dict[str, Any] = field(default_factory=dict)
    # Fingerprinted static URLs by (script root, file name); see lms.static_files.
    static_urls: dict[tuple[str, str], str] = field(default_factory=dict)
    features: list[Feature] = field(default_factory=list)
    #: The whole app is the LMS (lms.create_app), not a host it is mounted in.
    standalone: bool = False
    #: Pre-rendered page parts and pages kept by this worker (lms.layout, lms.learning).
    page_parts: dict[str, Any] = field(default_factory=dict)


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
        features = [*(load_feature(path) for path in FEATURES), *plugin_features()]
        for feature in features:  # every table registered before Alembic or create_all
            for module in feature.models:
                import_module(module)

        _init_babel(app)
        _init_login(app)
        session_cookies.install(app)
        db_reads.init_app(app)
        app.jinja_env.add_extension("jinja2.ext.do")

        from lms.questions.types import load_question_types

        state = LMSState(
            url_prefix=url_prefix.rstrip("/"),
            course_dirs=resolve_course_dirs(app),
            question_types=load_question_types(),
            features=features,
            standalone=standalone,
        )
        app.extensions["lms"] = state
        from lms.security import init_security
        from lms.web import register_error_handlers

        blueprint = build_blueprint(features)
        for feature in features:  # before the blueprint is registered (then it is sealed)
            if feature.setup is not None:
                feature.setup(app, blueprint)
        init_security(app, blueprint, standalone=standalone)
        from lms.static_files import cache_fingerprinted, static_url

        app.add_template_global(static_url)
        from lms.compression import LMSCompression

        LMSCompression(app)
        blueprint.after_app_request(cache_fingerprinted)
        register_error_handlers(app if standalone else blueprint)
        app.register_blueprint(blueprint, url_prefix=state.url_prefix or None)
        _lms_login_views(app)
        _add_commands(app, features)
        app.add_template_global(_nav_entries, "lms_nav_entries")


def resolve_course_dirs(app: Flask) -> list[Path]:
    """Configured course folders; relative ones are taken from the working directory,
    where ``make run`` and the ``lms`` command are started. Empty entries are skipped, so
    ``LMS_COURSE_DIRS=`` means "no course folder" rather than the working directory."""
    return [Path(entry).resolve() for entry in app.config["LMS_COURSE_DIRS"] if str(entry)]


def build_blueprint(features: list[Feature] = ()) -> Blueprint:  # type: ignore[assignment]
    """The ``lms`` blueprint holding every LMS page (the features' blueprints), with its
    templates and static files.

    Blueprint templates rank below the host's, so a host can override ``lms/base.html``.
    """
    root = Blueprint(
        "lms",
        __name__,
        template_folder=str(template_dir()),
        static_folder=str(PACKAGE_DIR / "static"),
        static_url_path="/static",
    )
    for feature in features:
        for child in feature.blueprints:
            root.register_blueprint(child)
    return root


def _add_commands(app: Flask, features: list[Feature]) -> None:
    """The features' commands on ``app.cli``. Groups of one name are merged into one group
    per app (``lms courses`` holds lms.cli's check and sync and lms.authoring's export),
    the first one's help text kept; a command the app has already (a host's own) stays."""
    added: dict[str, click.Command] = {}
    for feature in features:
        for command in feature.commands:
            name = command.name or ""
            if name in app.cli.commands and name not in added:
                continue  # the host's own
            known = added.get(name)
            if isinstance(known, click.Group) and isinstance(command, click.Group):
                for sub in command.commands.values():
                    known.commands.setdefault(sub.name or "", sub)
                continue
            if isinstance(command, click.Group):
                command = click.Group(name, help=command.help, commands=dict(command.commands))
            added[name] = command
            app.cli.add_command(command)


def _nav_entries() -> list[NavEntry]:
    """The features' navigation entries the current user may see (``lms/base.html``)."""
    from flask import current_app
    from flask_login import current_user

    return visible_nav(current_app.extensions["lms"].features, current_user)


def _lms_login_views(app: Flask) -> None:
    """A host's own login page stays its own; LMS pages send visitors to the LMS's."""
    login_manager: LoginManager = app.login_manager  # type: ignore[attr-defined]
    if login_manager.login_view == "lms.auth.login":
        return
    for name in app.blueprints:
        if name == "lms" or name.startswith("lms."):
            login_manager.blueprint_login_views[name] = "lms.auth.login"


def _init_babel(app: Flask) -> None:
    from lms.i18n import install_template_gettext, select_locale

    if "babel" not in app.extensions:
        Babel(app, locale_selector=select_locale, default_translation_directories=str(
            PACKAGE_DIR / "translations"
        ))
        install_template_gettext(app)


def _init_login(app: Flask) -> None:
    """Sign-in for LMS accounts: our own ``LoginManager``, or the host's when it has one that
    loads no users of its own (it is used, never replaced); a host that already loads its own
    users is refused, since one app can have only one user loader."""
    from lms.auth.session_user import load_session_user

    login_manager: LoginManager | None = getattr(app, "login_manager", None)
    if login_manager is None:
        login_manager = LoginManager(app)
        login_manager.login_view = "lms.auth.login"
        login_manager.login_message = lazy_gettext("Please log in to see this page.")
        login_manager.login_message_category = "info"
    elif login_manager._user_callback is not None or login_manager._request_callback is not None:
        raise RuntimeError(
            "this app's LoginManager already loads the host's own users; the LMS needs the "
            "user loader for its accounts. Mount lms.create_app() with DispatcherMiddleware "
            "instead (see the README, Mounting in a host), or leave the LoginManager's user "
            "loader to the LMS")
    elif login_manager.login_view is None:
        login_manager.login_view = "lms.auth.login"
    # One row through Core, not an ORM User (see lms.auth.session_user).
    login_manager.user_loader(load_session_user)
