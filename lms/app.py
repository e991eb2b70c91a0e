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
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # WeasyPrint and fontTools narrate every PDF step at INFO; keep their warnings only.
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    LMS(app, config=config, standalone=True)
    return app
