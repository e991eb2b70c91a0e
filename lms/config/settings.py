"""The table of operator settings (:data:`SETTINGS`) and how an environment variable's text
becomes a typed value. The README's Configuration table and ``deploy/lms.env.example`` list
the same settings (tests/test_deploy_kit.py checks it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lms.config.errors import ConfigError
from lms.config.paths import shipped_courses_dir


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
    S("LMS_LTI_SHARE_NAMES", "bool", True, "an LTI launch names the new account after the "
      "name the platform sends; `false` ignores it (the account shows its username)"),
    S("LMS_LTI_SEND_AT_ONCE", "bool", True, "post each LTI score to the platform right after the "
      "learner's request; `false` leaves all sending to `lms lti send-scores`"),
    S("LMS_LTI_SCORE_MAX_ATTEMPTS", "int", 12, "tries before an LTI score is given up (backoff "
      "1, 2, 4… minutes, at most six hours)"),
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
