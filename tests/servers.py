"""What the tests that start real servers share: a free port and the gunicorn they run."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

GUNICORN = Path(sys.executable).with_name("gunicorn")

#: Mark a module whose tests start gunicorn (installed by the 'server' extra).
needs_gunicorn = pytest.mark.skipif(not GUNICORN.exists(),
                                    reason="gunicorn is in the 'server' extra (make install)")


def free_port() -> int:
    """A port nothing listens on (the OS picks it); also what a server that is down looks like."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def whole_responses(app: Any) -> Any:
    """WSGI middleware for the test servers: the whole answer is read, and the app's iterable
    closed, before the server writes a byte. Werkzeug's development server skips ``close()``
    when the client drops the connection mid-answer (a browser abandoning its favicon
    request), which leaves a static file open until garbage collection: a ResourceWarning
    that then fails whichever test happens to be running."""

    def answer(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return answer


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` over real HTTP on a free port of 127.0.0.1 (Werkzeug, threaded) for the block:
    for a peer that calls back, such as an LTI platform fetching the tool's JWKS."""
    server = make_server("127.0.0.1", 0, whole_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
