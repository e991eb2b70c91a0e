"""Configuration defaults and the environment variables that override them."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent


def template_dir() -> Path:
    """Where the ``lms/…`` templates live.

    In a source checkout they are the top-level ``templates/`` folder; an installed wheel
    carries the same files as ``lms/_templates`` (mapped in pyproject.toml).
    """
    source = PACKAGE_DIR.parent / "templates"
    return source if (source / "lms").is_dir() else PACKAGE_DIR / "_templates"


def shipped_courses_dir() -> Path:
    """The courses that come with the LMS: the top-level ``courses/`` folder of a source
    checkout, ``lms/_courses`` in an installed wheel (mapped in pyproject.toml).

    This absolute folder is the default of ``LMS_COURSE_DIRS``: a default relative to the
    working folder made ``lms courses sync`` from cron or another folder find no course.
    """
    installed = PACKAGE_DIR / "_courses"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "courses"


DEFAULTS: dict[str, Any] = {
    "LMS_COURSE_DIRS": [str(shipped_courses_dir())],
    "LMS_SITE_NAME": "Global Citizenship Learning",
    "LMS_ORGANISATION": "Global Citizenship Learning",
    "LMS_CERTIFICATE_LOGO": "lms/certificate-logo.svg",  # a path under lms/static/
    "LMS_LANGUAGES": ["en", "it", "ar"],
    "LMS_DEFAULT_LANGUAGE": "en",
    "LMS_MAIL_FROM": "no-reply@localhost",
    "LMS_SMTP_HOST": "",
    "LMS_SMTP_PORT": 587,
    "LMS_SMTP_USER": "",
    "LMS_SMTP_PASSWORD": "",
    "LMS_RESET_TOKEN_MAX_AGE": 3600,
    "LMS_ENV": "development",
    # Due dates end at midnight in the school's time zone.
    "LMS_TIMEZONE": "Europe/Rome",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
}

# Environment variables read at start-up; each maps onto the config key of the same name.
ENV_KEYS = (
    "LMS_DATABASE_URL",
    "LMS_SITE_NAME",
    "LMS_ORGANISATION",
    "LMS_MAIL_FROM",
    "LMS_SMTP_HOST",
    "LMS_SMTP_PORT",
    "LMS_SMTP_USER",
    "LMS_SMTP_PASSWORD",
    "LMS_ENV",
    "LMS_BASE_URL",
    "LMS_TIMEZONE",
)


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``overrides`` (in that order)."""
    for key, value in DEFAULTS.items():
        set_default(app, key, value)
    for key in ENV_KEYS:
        if key in os.environ:
            app.config[key] = os.environ[key]
    if "LMS_COURSE_DIRS" in os.environ:
        app.config["LMS_COURSE_DIRS"] = os.environ["LMS_COURSE_DIRS"].split(os.pathsep)
    if os.environ.get("LMS_SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["LMS_SECRET_KEY"]
    app.config.update(overrides or {})

    database_url = app.config.get("LMS_DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not database_url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        database_url = "sqlite:///" + str(Path(app.instance_path) / "lms.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not database_url.startswith("sqlite"):
        # A database server may drop idle connections; a database file cannot, and there
        # the ping would be one more query on every request.
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config.get("LMS_SMTP_PORT"):
        app.config["LMS_SMTP_PORT"] = int(app.config["LMS_SMTP_PORT"])
    ensure_secret_key(app)


def set_default(app: Flask, key: str, value: Any) -> None:
    """Set ``key`` unless the host app chose a value (Flask's own defaults do not count)."""
    if key not in app.config or app.config[key] == Flask.default_config.get(key):
        app.config[key] = value


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


def ensure_secret_key(app: Flask) -> None:
    """Use the configured secret key; in development generate one into the instance folder.

    Production refuses to start without a real key: a generated key on disk would silently
    differ between servers and log everyone out on every deploy.
    """
    if app.config.get("SECRET_KEY"):
        return
    if app.config["LMS_ENV"] == "production":
        raise ConfigError("LMS_SECRET_KEY must be set in production (e.g. `openssl rand -hex 32`)")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        log.info("generated a new secret key in %s", key_file)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
