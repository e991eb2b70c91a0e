"""A real SMTP server for the mail tests (aiosmtpd), plain, STARTTLS or implicit TLS, on a
free port, with certificates from a throwaway CA (trustme)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Sink:
    """Keeps every message the server accepts, and whether it came over TLS."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.encrypted: list[bool] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append(message_from_bytes(content, policy=policy.default))  # type: ignore[arg-type]
        transport = server.transport
        self.encrypted.append(transport is not None
                              and transport.get_extra_info("ssl_object") is not None)
        return "250 OK"


class ThrowawayCA:
    """A certificate authority the LMS is told to trust through LMS_SMTP_CAFILE."""

    def __init__(self, folder: Path) -> None:
        self.ca = trustme.CA()
        self.cafile = folder / "smtp-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.cafile))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        return context


@contextmanager
def smtp_server(port: int, *, tls: str = "none", ca: ThrowawayCA | None = None) -> Iterator[Sink]:
    """An SMTP server on 127.0.0.1:``port`` for the ``with`` block. ``tls="starttls"``
    refuses mail before STARTTLS; ``tls="ssl"`` speaks TLS from the first byte."""
    sink = Sink()
    options: dict[str, Any] = {}
    if tls == "starttls":
        assert ca is not None
        options = {"tls_context": ca.server_context(), "require_starttls": True}
    elif tls == "ssl":
        assert ca is not None
        options = {"ssl_context": ca.server_context()}
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
