"""Limits shared between processes: two gunicorn workers counting in one Redis.

The site is started as the README's Production section says (``gunicorn --workers 2
'lms:create_app()'``, configured from the environment, Redis in LMS_RATELIMIT_STORAGE_URI).
Which worker answers a request is the kernel's choice, so the test chooses for it: it stops
one worker (SIGSTOP) while the other answers, and gunicorn's access log (with the worker's pid)
confirms who did. Five wrong passwords go to each worker; the 11th is refused by both. With
``memory://`` each worker would have counted five and let it through.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lms.auth.services import create_user
from lms.db import db
from tests.conftest import make_test_app
from tests.servers import GUNICORN, free_port, needs_gunicorn

REPO = Path(__file__).resolve().parent.parent
USERNAME = "pupil"

pytestmark = needs_gunicorn



@dataclass
class Site:
    process: subprocess.Popen[bytes]
    base: str
    access_log: Path
    log: Path

    def workers(self) -> list[int]:
        """The master's child processes (by parent pid: never by name)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def answers(self, expected: int) -> Counter[tuple[int, int]]:
        """(worker pid, status) of the login POSTs, from gunicorn's access log.

        A worker writes its line just after answering, so a worker stopped right then writes
        it later: wait (bounded) for ``expected`` lines, and never rely on their order.
        """
        for _ in range(100):
            lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
            answers = [(int(pid.strip("<>")), int(status))
                       for pid, method, path, status in (line.split() for line in lines)
                       if method == "POST" and path == "/account/login"]
            if len(answers) >= expected:
                break
            time.sleep(0.05)
        return Counter(answers)


def migrated_database(tmp_path: Path) -> str:
    """A fresh SQLite file with the real migrations and one pupil."""
    from flask_migrate import upgrade

    url = "sqlite:///" + str(tmp_path / "shared-limits.sqlite3")
    app = make_test_app(url, tmp_path)
    with app.app_context():
        upgrade()
        create_user(username=USERNAME, password="password123", display_name="Pupil")
        db.session.remove()
        db.engine.dispose()
    return url


@contextmanager
def gunicorn(tmp_path: Path, environment: dict[str, str]) -> Iterator[Site]:
    port = free_port()
    access_log, log = tmp_path / "access.log", tmp_path / "gunicorn.log"
    env = {**os.environ, **environment, "PYTHONPATH": str(REPO),
           "LMS_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("WEB_CONCURRENCY", None)
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket",
             # A stopped worker sends no heartbeat; the test is over long before this.
             "--timeout", "120", "--graceful-timeout", "5", "--chdir", str(tmp_path),
             "--access-logfile", str(access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
             "lms:create_app()"],
            stdout=output, stderr=subprocess.STDOUT, env=env)
    site = Site(process, f"http://127.0.0.1:{port}", access_log, log)
    try:
        wait_until_ready(site)
        yield site
    finally:
        for pid in site.workers() if site.process.poll() is None else []:
            os.kill(pid, signal.SIGCONT)  # a stopped worker would not hear the SIGTERM
        site.process.terminate()
        try:
            site.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            site.process.kill()
            site.process.wait()


def wait_until_ready(site: Site) -> None:
    """Both workers started and the site answering (bounded: 300 polls)."""
    for _ in range(300):
        if site.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(site.base + "/healthz", timeout=5) as response:
                if response.status == 200 and len(site.workers()) == 2:
                    return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start:\n" + site.log.read_text())


class Browser:
    """One cookie jar; the CSRF token from the login page, as a browser sends it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.request("GET", "/account/login")[1]
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, "no CSRF token on the login page"
        self.csrf = match.group(1)

    def request(self, method: str, path: str, data: dict[str, str] | None = None
                ) -> tuple[int, str, dict[str, str]]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def log_in(self, password: str) -> tuple[int, dict[str, str]]:
        status, _, headers = self.request("POST", "/account/login", {
            "login": USERNAME, "password": password, "csrf_token": self.csrf})
        return status, headers


@contextmanager
def only(site: Site, worker: int) -> Iterator[None]:
    """Every other worker stopped, so ``worker`` accepts the next connections."""
    others = [pid for pid in site.workers() if pid != worker]
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


def test_the_eleventh_wrong_password_is_refused_whichever_worker_answers(
        tmp_path: Path, redis_url: str) -> None:
    database_url = migrated_database(tmp_path)
    environment = {
        "LMS_DATABASE_URL": database_url, "LMS_SECRET_KEY": "shared-limits-test",
        "LMS_RATELIMIT_STORAGE_URI": redis_url,
        # Per hour, starting at the first attempt: no window rolls over during the test.
        "LMS_LOGIN_ACCOUNT_LIMIT": "10 per hour", "LMS_LOGIN_LIMIT": "100 per hour",
    }
    with gunicorn(tmp_path, environment) as site:
        first, second = site.workers()
        browser = Browser(site.base)
        statuses = []
        for worker in (first, second):
            with only(site, worker):
                statuses += [browser.log_in(f"guess-{n}")[0] for n in range(5)]
        assert statuses == [200] * 10
        refusals = []
        for worker in (first, second):
            with only(site, worker):
                refusals.append(browser.log_in("guess-10"))
        answers = site.answers(expected=12)
        log = site.log.read_text()

    assert [status for status, _ in refusals] == [429, 429], log
    assert all(headers["X-RateLimit-Limit"] == "10" for _, headers in refusals)
    # Who answered: five failures and one refusal each.
    assert answers == Counter({(first, 200): 5, (second, 200): 5, (first, 429): 1,
                               (second, 429): 1}), answers
    assert "RATE LIMITS ARE NOT SHARED" not in log
    assert "falling back to in-memory" not in log


def test_with_redis_down_logins_go_on_counted_in_memory(tmp_path: Path) -> None:
    from lms.limits import limiter

    database_url = migrated_database(tmp_path)
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                        RATELIMIT_STORAGE_URI=closed, LMS_LOGIN_ACCOUNT_LIMIT="2 per hour")
    try:
        with app.app_context():
            client = app.test_client()
            codes = [client.post("/account/login", data={
                "login": USERNAME, "password": f"guess-{n}"}).status_code for n in range(3)]
            # No 500, and still limited: Flask-Limiter logs the fallback and counts in memory.
            assert codes == [200, 200, 429]
            db.session.remove()
            db.engine.dispose()
    finally:
        # The limiter is one object for every app of this test session: make it trust the
        # store of the next app again.
        limiter._storage_dead = False
        make_test_app("sqlite://", tmp_path)
