"""The standalone LMS site."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

from lms.config import PACKAGE_DIR
from lms.extension import LMS


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the standalone site: the LMS mounted at the root of its own Flask app.

    No side effects beyond reading configuration: migrations and course syncing are
    explicit commands (``lms db upgrade``, ``lms courses sync``).
    """
    instance = os.environ.get("LMS_INSTANCE_PATH")
    app = Flask(
        "lms",
        root_path=str(PACKAGE_DIR),
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
    )
    configure_logging(str((config or {}).get("LMS_LOG_LEVEL")
                          or os.environ.get("LMS_LOG_LEVEL", "").strip() or "INFO"))
    LMS(app, config=config, standalone=True)
    return app


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
