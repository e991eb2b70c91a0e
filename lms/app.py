"""The standalone LMS site."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

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
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # WeasyPrint and fontTools narrate every PDF step at INFO; keep their warnings only.
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    LMS(app, config=config, standalone=True)
    return app
