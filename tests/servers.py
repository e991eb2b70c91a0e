"""What the tests that start real servers share: a free port and the gunicorn they run."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

GUNICORN = Path(sys.executable).with_name("gunicorn")

#: Mark a module whose tests start gunicorn (installed by the 'server' extra).
needs_gunicorn = pytest.mark.skipif(not GUNICORN.exists(),
                                    reason="gunicorn is in the 'server' extra (make install)")


def free_port() -> int:
    """A port nothing listens on (the OS picks it); also what a server that is down looks like."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
