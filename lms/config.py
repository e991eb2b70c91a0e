"""Configuration: one typed table of settings, read from the environment.

Every setting an operator may change is a :class:`Setting` in :data:`SETTINGS`: its
environment variable, type, default and meaning. ``load_config`` fills ``app.config`` from
the defaults, then the environment, then the mapping given to ``create_app`` (or
``LMS.init_app``), in that order. The README's Configuration table and
``deploy/lms.env.example`` list the same settings (tests/test_deploy_kit.py checks it).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def migrations_dir() -> Path:
    """The single Alembic tree; shipped inside the package as ``lms/_migrations`` when installed."""
    source = PACKAGE_DIR.parent / "migrations"
    return source if (source / "env.py").exists() else PACKAGE_DIR / "_migrations"


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


def shipped_courses_dir() -> Path:
    """The courses that come with the LMS: the top-level ``courses/`` folder of a source
    checkout, ``lms/_courses`` in an installed wheel (mapped in pyproject.toml).

    This absolute folder is the default of ``LMS_COURSE_DIRS``: a default relative to the
    working folder made ``lms courses sync`` from cron or another folder find no course.
    """
    installed = PACKAGE_DIR / "_courses"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "courses"


def _rate_limit(value: str) -> str | None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        return "expected limits like '10 per minute; 100 per hour'"
    return None


def _time_zone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "expected a time zone name like 'Europe/Rome'"
    return None


def _consent_age(value: int) -> str | None:
    if not 0 <= value <= 18:
        return "expected an age from 0 (no check) to 18"
    return None


def _url(value: str) -> str | None:
    if value and not re.match(r"https?://[^/\s]+", value):
        return "expected a URL starting with https:// or http://"
    return None


@dataclass(frozen=True)
class Setting:
    """One operator setting. ``kind`` is ``str``, ``int``, ``bool``, ``list`` (separated by
    commas), ``paths`` (separated by ``:``) or ``path``; ``key`` is the ``app.config`` key
    when it differs from the variable's name."""

    name: str
    kind: str
    default: Any
    help: str
    key: str = ""
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None

    @property
    def config_key(self) -> str:
        return self.key or self.name


S = Setting
LIMIT_HELP = "attempts per client address, e.g. '10 per minute; 100 per hour'"

#: Every setting, in the order the README and deploy/lms.env.example show them.
SETTINGS: tuple[Setting, ...] = (
    S("LMS_ENV", "str", "development", "`production` refuses to start without a secret key and "
      "makes cookies Secure when LMS_BASE_URL is https", choices=("development", "production")),
    S("LMS_SECRET_KEY", "str", None, "signs sessions and links; required in production "
      "(`openssl rand -hex 32`); generated into the instance folder otherwise", key="SECRET_KEY"),
    S("LMS_DATABASE_URL", "str", None, "e.g. `postgresql://lms:PASSWORD@localhost/lms`; "
      "SQLite in the instance folder when empty"),
    S("LMS_INSTANCE_PATH", "path", None, "the instance folder: SQLite database, generated key, "
      "browser-authored courses and uploaded images"),
    S("LMS_BASE_URL", "str", "", "the public address, e.g. `https://learn.example.org`: used in "
      "emails and QR codes; in production its scheme decides whether cookies are Secure",
      check=_url),
    S("LMS_SECURE_COOKIES", "bool", None, "force Secure cookies on or off; by default on in "
      "production unless LMS_BASE_URL starts with http://"),
    S("LMS_COURSE_DIRS", "paths", [str(shipped_courses_dir())], "folders with course packages, "
      "separated by `:`; by default the courses shipped with the LMS"),
    S("LMS_SITE_NAME", "str", "Global Citizenship Learning", "shown in the layout"),
    S("LMS_ORGANISATION", "str", "Global Citizenship Learning", "shown on certificates"),
    S("LMS_ORGANISATION_URL", "str", "", "the organisation's website, named as the issuer of "
      "Open Badges (LMS_BASE_URL when empty)", check=_url),
    S("LMS_BADGES_ALGORITHM", "str", "RS256", "signature of new Open Badges keys: `RS256` or "
      "`EdDSA` (Ed25519)",
      check=lambda value: None if value in ("RS256", "EdDSA") else "expected RS256 or EdDSA"),
    S("LMS_BADGES_KEY_FILE", "str", "", "a PEM private key (Ed25519 or RSA) to sign Open Badges "
      "with instead of the key generated into the database"),
    S("LMS_CERTIFICATE_LOGO", "str", "lms/certificate-logo.svg",
      "the certificate logo, a path under lms/static/"),
    S("LMS_LANGUAGES", "list", ["en", "it", "ar", "pt", "es", "fr"],
      "languages offered, separated by commas"),
    S("LMS_DEFAULT_LANGUAGE", "str", "en", "language when the browser asks for none offered"),
    S("LMS_TIMEZONE", "str", "Europe/Rome", "due dates end at midnight in this time zone",
      check=_time_zone),
    S("LMS_AGE_OF_CONSENT", "int", 14, "learners younger than this (by year of birth) cannot "
      "sign up themselves; a teacher creates class accounts for them (GDPR art. 8: 14 in "
      "Italy, 13 to 16 elsewhere)", check=_consent_age),
    S("LMS_MAIL_FROM", "str", "no-reply@localhost", "sender address of outgoing mail"),
    S("LMS_SMTP_HOST", "str", "", "mail server; without one, messages go to the log"),
    S("LMS_SMTP_PORT", "int", 0, "mail server port; 0: the usual one of LMS_SMTP_TLS (587, 465 "
      "or 25)"),
    S("LMS_SMTP_USER", "str", "", "mail server login"),
    S("LMS_SMTP_PASSWORD", "str", "", "mail server password"),
    S("LMS_SMTP_TLS", "str", "starttls", "how to encrypt mail: `starttls`, `ssl` or `none`",
      choices=("starttls", "ssl", "none")),
    S("LMS_SMTP_CAFILE", "str", "", "CA file for a mail relay with a private certificate "
      "authority (certificates are always verified)"),
    S("LMS_MAIL_SEND_AT_ONCE", "bool", True, "try to send each email right after the request; "
      "`false` leaves all sending to `lms mail send`"),
    S("LMS_MAIL_MAX_ATTEMPTS", "int", 8, "tries before an email is given up (backoff 1, 2, 4… "
      "minutes, at most an hour)"),
    S("LMS_MAIL_KEEP_DAYS", "int", 7, "days the outbox keeps a sent or failed email's "
      "recipient and status (the body, with its link, is erased at once)"),
    S("LMS_RESET_TOKEN_MAX_AGE", "int", 3600, "seconds a password-reset link stays valid"),
    # Sized for a class of 30 behind one school router; accounts are guarded on their own.
    S("LMS_LOGIN_LIMIT", "str", "30 per minute; 300 per hour",
      "failed log-ins per client address", check=_rate_limit),
    S("LMS_LOGIN_ACCOUNT_LIMIT", "str", "10 per minute; 50 per hour",
      "failed log-ins per username or email, from anywhere", check=_rate_limit),
    S("LMS_SIGNUP_LIMIT", "str", "60 per 10 minutes; 300 per day", "sign-up " + LIMIT_HELP,
      check=_rate_limit),
    S("LMS_RESET_LIMIT", "str", "30 per 10 minutes; 100 per day",
      "password-reset " + LIMIT_HELP, check=_rate_limit),
    S("LMS_RESET_ACCOUNT_LIMIT", "str", "3 per 10 minutes; 10 per day",
      "password-reset requests per email address", check=_rate_limit),
    S("LMS_JOIN_LIMIT", "str", "30 per minute; 300 per hour",
      "wrong class codes per client address", check=_rate_limit),
    S("LMS_JOIN_ACCOUNT_LIMIT", "str", "10 per minute; 50 per hour",
      "wrong class codes per logged-in learner", check=_rate_limit),
    S("LMS_RATELIMIT_STORAGE_URI", "str", "", "where limit counters live; "
      "`redis://localhost:6379/0` shares them between workers and servers (in each "
      "process's memory when empty: a warning under several workers)",
      key="RATELIMIT_STORAGE_URI"),
    S("LMS_TRUSTED_PROXIES", "int", 0, "how many proxies (nginx: 1) set X-Forwarded-For/Proto "
      "in front of the LMS"),
    S("LMS_TRUSTED_HOSTS", "list", [], "host names the LMS answers to, separated by commas"),
    S("LMS_FRAME_ANCESTORS", "str", "'self'", "who may show LMS pages in a frame "
      "(Content-Security-Policy frame-ancestors)"),
    S("LMS_COMPRESS", "bool", True, "brotli or gzip for pages, CSS and SVG; `false` leaves it "
      "to the proxy"),
    S("LMS_PAGE_CACHE", "bool", True, "keep rendered lesson pages in each worker's memory "
      "(at most 512 pages, 16 MB); turn off if a host's own `lms/base.html` shows per-user data"),
    S("LMS_MAX_CONTENT_LENGTH", "int", 16 * 1024 * 1024, "largest upload in bytes "
      "(nginx's client_max_body_size must allow it)", key="MAX_CONTENT_LENGTH"),
    S("LMS_IMAGE_MAX_BYTES", "int", 10 * 1024 * 1024, "largest image a trainer may upload, in "
      "bytes (below LMS_MAX_CONTENT_LENGTH)"),
    S("LMS_IMAGE_MAX_WIDTH", "int", 1600, "uploaded photos wider than this many pixels are "
      "scaled down (and always stored without their EXIF data)"),
    S("LMS_LOG_LEVEL", "str", "INFO", "`DEBUG`, `INFO`, `WARNING` or `ERROR`",
      choices=("DEBUG", "INFO", "WARNING", "ERROR")),
)

#: Defaults that are not operator settings.
FIXED_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis down: count in each process's memory (and log it) rather than refuse every login.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
}

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_setting(setting: Setting, raw: str) -> Any:
    """The typed value of ``raw``; :class:`ConfigError` names the variable and the problem."""
    text = raw.strip()
    value: Any
    if setting.kind == "int":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ConfigError(f"{setting.name}: expected a whole number, got {raw!r}")
        value = int(text)
    elif setting.kind == "bool":
        if text.lower() not in TRUE_WORDS | FALSE_WORDS:
            raise ConfigError(f"{setting.name}: expected true or false, got {raw!r}")
        value = text.lower() in TRUE_WORDS
    elif setting.kind == "list":
        value = [item.strip() for item in text.split(",") if item.strip()]
    elif setting.kind == "paths":
        value = [item for item in text.split(os.pathsep) if item]
    elif setting.kind == "path":
        value = str(Path(text).expanduser()) if text else None
    else:
        value = raw if setting.name.endswith("PASSWORD") else text
    if setting.choices:
        value = value.upper() if setting.name == "LMS_LOG_LEVEL" else value.lower()
        if value not in setting.choices:
            raise ConfigError(f"{setting.name}: expected one of {', '.join(setting.choices)}, "
                              f"got {raw!r}")
    problem = setting.check(value) if setting.check else None
    if problem:
        raise ConfigError(f"{setting.name}: {problem}, got {raw!r}")
    return value


def read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """``{config key: typed value}`` for every setting present in ``environ``.

    An empty variable counts as unset (an env-file template leaves unused lines empty).
    """
    return {setting.config_key: parse_setting(setting, environ[setting.name])
            for setting in SETTINGS if environ.get(setting.name, "").strip()}


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
