"""Filling ``app.config`` at start-up: defaults, the environment, the given mapping, then the
values derived from them (database URL, Secure cookies, trusted proxies, the secret key)."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from lms.config.errors import ConfigError
from lms.config.settings import FIXED_DEFAULTS, SETTINGS, read_environment

# The name operators and tests filter on, whichever module of the package logs.
log = logging.getLogger("lms.config")


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``overrides`` (in that order).

    A value the host app set before mounting the LMS, or one in ``overrides``, is kept even
    when it equals Flask's own default: ``SESSION_COOKIE_SECURE: False`` means False.
    """
    overrides = dict(overrides or {})
    chosen = set(overrides) | {
        key for key, value in app.config.items()
        if key not in Flask.default_config or value != Flask.default_config[key]
    }
    from_environment = read_environment(os.environ)
    for setting in SETTINGS:
        key = setting.config_key
        if key in from_environment:
            app.config[key] = from_environment[key]
        elif key not in chosen:
            default = setting.default
            app.config[key] = list(default) if isinstance(default, list) else default
    for key, value in FIXED_DEFAULTS.items():
        if key not in chosen:
            app.config[key] = value
    app.config.update(overrides)

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
    app.config["LMS_TRUSTED_PROXIES"] = trusted_proxies(app.config["LMS_TRUSTED_PROXIES"])
    if app.config["LMS_DEFAULT_LANGUAGE"] not in app.config["LMS_LANGUAGES"]:
        raise ConfigError(f"LMS_DEFAULT_LANGUAGE: {app.config['LMS_DEFAULT_LANGUAGE']!r} is not "
                          f"one of LMS_LANGUAGES ({', '.join(app.config['LMS_LANGUAGES'])})")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if key not in chosen:
            app.config[key] = secure_cookies(app.config)
    if app.config["LMS_ENV"] == "production":
        warn_about_plain_http(app.config)
    ensure_secret_key(app)


def secure_cookies(config: Mapping[str, Any]) -> bool:
    """Whether cookies carry the ``Secure`` flag: as set, else in production unless the site
    is served over plain HTTP (browsers would then drop the session cookie, and every form
    would answer "The form expired")."""
    if config.get("LMS_SECURE_COOKIES") is not None:
        return bool(config["LMS_SECURE_COOKIES"])
    if config.get("LMS_ENV") != "production":
        return False
    return not str(config.get("LMS_BASE_URL") or "").startswith("http://")


def warn_about_plain_http(config: Mapping[str, Any]) -> None:
    """Say at start-up what an operator would otherwise find out from failing log-ins."""
    base_url = str(config.get("LMS_BASE_URL") or "")
    if base_url.startswith("http://"):
        log.warning("production runs over plain HTTP (LMS_BASE_URL=%s): passwords and session "
                    "cookies cross the network unencrypted; use https:// behind a TLS proxy",
                    base_url)
    elif not base_url:
        log.warning("LMS_BASE_URL is not set: cookies are Secure, so logging in works over "
                    "HTTPS only; set LMS_BASE_URL=https://… (or http://… on a trusted network)")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def trusted_proxies(value: Any) -> int:
    """How many proxies stand in front of the site: a whole number, 0 (none) or more."""
    try:
        count = int(str(value).strip() or 0)
    except ValueError:
        count = -1
    if count < 0:
        raise ConfigError(
            f"LMS_TRUSTED_PROXIES must be the number of proxies in front of the LMS "
            f"(0, 1, …), not {value!r}"
        )
    return count


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
