"""Outgoing email through a database outbox (see :mod:`lms.mail.outbox`).

Settings: ``LMS_SMTP_HOST``, ``LMS_SMTP_PORT``, ``LMS_SMTP_TLS`` (``starttls``, ``ssl`` or
``none``), ``LMS_SMTP_USER``, ``LMS_SMTP_PASSWORD``, ``LMS_SMTP_CAFILE``, ``LMS_MAIL_FROM``;
``LMS_MAIL_MAX_ATTEMPTS``, ``LMS_MAIL_KEEP_DAYS`` and ``LMS_MAIL_SEND_AT_ONCE`` tune the outbox.
"""

from __future__ import annotations

import logging

from flask import Flask

from lms.config import set_default

log = logging.getLogger(__name__)

DEFAULTS = {
    "LMS_MAIL_MAX_ATTEMPTS": 8,  # with the backoff, about four hours of retries
    "LMS_MAIL_KEEP_DAYS": 7,
    "LMS_MAIL_SEND_AT_ONCE": True,
    "LMS_SMTP_CAFILE": "",
}


def init_mail(app: Flask) -> None:
    """Mail defaults; a wrong ``LMS_SMTP_TLS`` stops start-up with a clear message."""
    from lms.mail.transport import tls_mode

    for key, value in DEFAULTS.items():
        set_default(app, key, value)
    app.config["LMS_SMTP_TLS"] = tls_mode(app.config)
    if app.config.get("LMS_ENV") == "production" and not app.config.get("LMS_SMTP_HOST"):
        log.warning("LMS_SMTP_HOST is not set: password reset emails stay queued, unsent")
