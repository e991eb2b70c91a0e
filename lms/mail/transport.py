"""Handing one email to the SMTP server; in development without one, to the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from lms.config import ConfigError

log = logging.getLogger(__name__)

#: ``LMS_SMTP_TLS`` modes and the port each uses unless ``LMS_SMTP_PORT`` says otherwise.
TLS_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 10  # seconds; a hung mail server must not hold a worker for long


class MailConfigError(RuntimeError):
    """Mail cannot go out with this configuration: retrying will not help until it changes."""


def tls_mode(config: Mapping[str, Any]) -> str:
    """The configured TLS mode; a :class:`ConfigError` for anything else (checked at start-up)."""
    mode = str(config.get("LMS_SMTP_TLS") or "starttls").strip().lower()
    if mode not in TLS_PORTS:
        raise ConfigError(f"LMS_SMTP_TLS must be one of {', '.join(TLS_PORTS)}, not {mode!r}")
    return mode


def mask_address(address: str) -> str:
    """``c***@example.org``: enough for an operator to tell messages apart, in logs that
    should not collect learners' addresses."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def build_message(config: Mapping[str, Any], *, to: str, subject: str,
                  body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = str(config["LMS_MAIL_FROM"])
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def check_ready(config: Mapping[str, Any]) -> None:
    """Raise :class:`MailConfigError` when mail can go nowhere: production without a server."""
    if not config.get("LMS_SMTP_HOST") and config.get("LMS_ENV") == "production":
        raise MailConfigError("no SMTP server configured (set LMS_SMTP_HOST)")


def send_message(config: Mapping[str, Any], message: EmailMessage) -> None:
    """Deliver ``message`` with the ``LMS_SMTP_*`` settings, or raise.

    Without ``LMS_SMTP_HOST`` the message goes to the log in development (the reset link is
    what a developer needs) and raises :class:`MailConfigError` in production, where a token
    must never reach a log file.
    """
    check_ready(config)
    host = str(config.get("LMS_SMTP_HOST") or "")
    if not host:
        log.warning("no SMTP server configured; email to %s follows\n%s", message["To"], message)
        return
    mode = tls_mode(config)
    port = int(config.get("LMS_SMTP_PORT") or TLS_PORTS[mode])
    # Certificates are always verified; LMS_SMTP_CAFILE is for a relay with a private CA.
    context = ssl.create_default_context(cafile=config.get("LMS_SMTP_CAFILE") or None)
    smtp = (smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context) if mode == "ssl"
            else smtplib.SMTP(host, port, timeout=TIMEOUT))
    with smtp:
        if mode == "starttls":
            smtp.starttls(context=context)
        if config.get("LMS_SMTP_USER"):
            smtp.login(str(config["LMS_SMTP_USER"]), str(config.get("LMS_SMTP_PASSWORD") or ""))
        smtp.send_message(message)
