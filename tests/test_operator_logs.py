"""What an operator reads in the log: format, database outages, migrations."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_test_app

from lms.db import db

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (?P<level>[A-Z]+) "
                  r"\[(?P<pid>\d+)\] (?P<logger>[\w.]+): (?P<message>.*)$")


def _run(code_or_args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LMS_INSTANCE_PATH": str(tmp_path / "instance"), **env}
    environment.pop("LMS_DATABASE_URL", None)
    return subprocess.run(code_or_args, env=environment, capture_output=True, text=True,
                          check=True, cwd=tmp_path)


def test_log_lines_carry_time_level_process_and_logger(tmp_path: Path) -> None:
    code = ("import logging; from lms import create_app; create_app(); "
            "logging.getLogger('lms.example').warning('disk almost full')")
    result = _run([sys.executable, "-c", code], tmp_path)
    lines = [LINE.match(line) for line in result.stderr.splitlines()]
    assert lines and all(lines), result.stderr
    last = lines[-1]
    assert last is not None
    assert (last["level"], last["logger"], last["message"]) == (
        "WARNING", "lms.example", "disk almost full")
    assert last["pid"] != str(os.getpid())


def test_log_level_comes_from_the_environment(tmp_path: Path) -> None:
    code = ("import logging; from lms import create_app; create_app(); "
            "logging.getLogger('lms.example').info('routine')")
    result = _run([sys.executable, "-c", code], tmp_path, LMS_LOG_LEVEL="warning")
    assert "routine" not in result.stderr and "generated a new secret key" not in result.stderr


def test_migrations_are_quiet(tmp_path: Path) -> None:
    lms = str(Path(sys.executable).with_name("lms"))
    result = _run([lms, "db", "upgrade"], tmp_path)
    assert "Running upgrade" in result.stderr
    assert "plugin" not in result.stderr
    assert all(LINE.match(line) for line in result.stderr.splitlines()), result.stderr


def _closed_port() -> int:
    """A port nobody listens on (free a moment ago): connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_outage_is_one_log_line_and_a_503_page(
        kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """No traceback per request: the same cause, one line each time."""
    unreachable = (f"sqlite:///{tmp_path}/no-such-folder/lms.sqlite3" if kind == "sqlite"
                   else f"postgresql://lms@127.0.0.1:{_closed_port()}/lms?connect_timeout=5")
    app = make_test_app(unreachable, tmp_path)
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        response = client.get("/courses/")
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert "The service is temporarily unavailable" in response.text
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1, [record.getMessage() for record in errors]
    assert errors[0].exc_info is None
    assert errors[0].getMessage().startswith("database unavailable: GET /courses/: ")
    assert ("unable to open database file" if kind == "sqlite" else "refused") in \
        errors[0].getMessage()


def test_a_database_outage_on_a_logged_in_request_is_a_503_too(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The user loader is the first to need the database; the page still renders."""
    unreachable = f"sqlite:///{tmp_path}/no-such-folder/lms.sqlite3"
    app = make_test_app(unreachable, tmp_path)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:abc"
    with caplog.at_level(logging.INFO):
        response = client.get("/account/")
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
