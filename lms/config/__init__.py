"""Configuration: one typed table of settings, read from the environment.

Every setting an operator may change is a :class:`Setting` in :data:`SETTINGS`: its
environment variable, type, default and meaning. ``load_config`` fills ``app.config`` from
the defaults, then the environment, then the mapping given to ``create_app`` (or
``LMS.init_app``), in that order. The README's Configuration table and
``deploy/lms.env.example`` list the same settings (tests/test_deploy_kit.py checks it).
"""

from __future__ import annotations

# Split by concern: paths (the LMS's own files), errors, settings (the table and parsing),
# loading (app.config at start-up). Everything is importable from ``lms.config`` as before.
from lms.config.errors import ConfigError
from lms.config.loading import (
    ensure_secret_key,
    load_config,
    normalise_database_url,
    secure_cookies,
    trusted_proxies,
    warn_about_plain_http,
)
from lms.config.paths import PACKAGE_DIR, migrations_dir, shipped_courses_dir, template_dir
from lms.config.settings import (
    FALSE_WORDS,
    FIXED_DEFAULTS,
    LIMIT_HELP,
    SETTINGS,
    TRUE_WORDS,
    S,
    Setting,
    parse_setting,
    read_environment,
)

__all__ = [
    "FALSE_WORDS", "FIXED_DEFAULTS", "LIMIT_HELP", "PACKAGE_DIR", "SETTINGS", "TRUE_WORDS",
    "ConfigError", "S", "Setting", "ensure_secret_key", "load_config", "migrations_dir",
    "normalise_database_url", "parse_setting", "read_environment", "secure_cookies",
    "shipped_courses_dir", "template_dir", "trusted_proxies", "warn_about_plain_http",
]
