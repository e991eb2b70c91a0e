"""Outgoing email: SMTP when configured, the log otherwise (development)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)


def send_mail(config: dict[str, object], *, to: str, subject: str, body: str) -> None:
    """Send a plain-text email using the ``LMS_SMTP_*`` settings in ``config``."""
    message = EmailMessage()
    message["From"] = str(config["LMS_MAIL_FROM"])
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host = str(config.get("LMS_SMTP_HOST") or "")
    if not host:
        log.warning("no SMTP server configured; email to %s follows\n%s", to, message)
        return
    with smtplib.SMTP(host, int(str(config.get("LMS_SMTP_PORT") or 587)), timeout=10) as smtp:
        smtp.starttls()
        if config.get("LMS_SMTP_USER"):
            smtp.login(str(config["LMS_SMTP_USER"]), str(config["LMS_SMTP_PASSWORD"]))
        smtp.send_message(message)
