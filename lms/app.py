"""The standalone LMS site."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import PACKAGE_DIR, ConfigError
from lms.extension import LMS


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the standalone site: the LMS mounted at the root of its own Flask app.

    No side effects beyond reading configuration: migrations and course syncing are
    explicit commands (``lms db upgrade``, ``lms courses sync``).
    """
    instance = os.environ.get("LMS_INSTANCE_PATH")
    # Same precedence as lms.config.load_config: the mapping, then the environment.
    production = (config or {}).get("LMS_ENV", os.environ.get("LMS_ENV")) == "production"
    if production and not instance:
        raise ConfigError(
            "LMS_INSTANCE_PATH must be set in production (e.g. /var/lib/lms, owned by the "
            "service user): the default instance folder is beside the code (inside the "
            "virtualenv once installed), where the SQLite database, authored courses and "
            "uploaded images would be lost with the next reinstall")
    app = Flask(
        "lms",
        root_path=str(PACKAGE_DIR),
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
    )
    # The instance folder holds minors' data (SQLite database, uploads, secret key): a new
    # one is owner-only. An existing folder keeps the mode its operator gave it.
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    configure_logging(str((config or {}).get("LMS_LOG_LEVEL")
                          or os.environ.get("LMS_LOG_LEVEL", "").strip() or "INFO"))
    LMS(app, config=config, standalone=True)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Believe the X-Forwarded-For/-Proto/-Host/-Prefix headers of ``LMS_TRUSTED_PROXIES``
    proxies: the client's address for the limits and the log, HTTPS for HSTS and secure
    cookies, the public host for links. With 0 (the default) they are ignored, since a client
    talking to gunicorn directly could forge them. A host app mounting the LMS sets up its own
    ProxyFix.
    """
    count = app.config["LMS_TRUSTED_PROXIES"]
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )


LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """One line per event with time, level, process id and logger, on standard error (where
    systemd's journal or gunicorn's log picks it up).

    Only when the host has set up no logging of its own: a host application's handlers and
    format win. A bad level is reported by the configuration check, which runs next.
    """
    if not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
        logging.getLogger().addHandler(handler)
        known = level.upper() in ("DEBUG", "INFO", "WARNING", "ERROR")
        logging.getLogger().setLevel(level.upper() if known else logging.INFO)
    # WeasyPrint and fontTools narrate every PDF step at INFO, and Alembic lists its plugins
    # on every `lms db` command; keep their warnings only.
    for noisy in ("weasyprint", "fontTools", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
