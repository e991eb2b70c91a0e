"""Outgoing email through a database outbox (see :mod:`lms.mail.outbox`).

Settings: ``LMS_SMTP_HOST``, ``LMS_SMTP_PORT``, ``LMS_SMTP_TLS`` (``starttls``, ``ssl`` or
``none``), ``LMS_SMTP_USER``, ``LMS_SMTP_PASSWORD``, ``LMS_SMTP_CAFILE``, ``LMS_MAIL_FROM``;
``LMS_MAIL_MAX_ATTEMPTS``, ``LMS_MAIL_KEEP_DAYS`` and ``LMS_MAIL_SEND_AT_ONCE`` tune the outbox.
"""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)



def init_mail(app: Flask) -> None:
    """Mail defaults; a wrong ``LMS_SMTP_TLS`` stops start-up with a clear message."""
    from lms.mail.transport import tls_mode

    app.config["LMS_SMTP_TLS"] = tls_mode(app.config)
    if app.config.get("LMS_ENV") == "production" and not app.config.get("LMS_SMTP_HOST"):
        log.warning("LMS_SMTP_HOST is not set: password reset emails stay queued, unsent")
