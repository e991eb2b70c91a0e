"""Fifty learners at once against the real app under gunicorn, on SQLite (WAL) and PostgreSQL.

Each learner (a thread with its own cookie jar) logs in, completes a lesson and submits a
quiz, fetching the CSRF token from each form as a browser would (CSRF stays on; only the
rate limits are off, since every learner comes from 127.0.0.1). Half-way through the quiz
submissions one gunicorn worker is killed with SIGKILL; learners whose request died with it
retry, as a person pressing the button again would.

Afterwards: every learner has exactly one submitted attempt and one completed lesson, every
attempt a learner saw a result page for is in the database with that score, no response was
a 5xx, and the server log holds no traceback and no "database is locked". Loopback only,
bounded to well under a minute.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import random
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from security_world import _FAST_HASH, PASSWORD, sync_sample_courses
from sqlalchemy import func, select

from lms.auth.models import User
from lms.db import db
from lms.progress.models import ItemCompletion
from lms.quizzes.models import QuizAttempt
from tests.servers import GUNICORN, free_port, needs_gunicorn

LEARNERS = 50
WORKERS = 3
TIME_LIMIT = 60.0
LESSON = "/courses/sample-course/basics/first-lesson/"
QUIZ = "/courses/sample-course/basics/check/"

pytestmark = needs_gunicorn


ENTRY = """\
from lms import create_app

app = create_app({config!r})
"""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def workers(self) -> list[int]:
        """The master's child processes (by parent pid: never by name)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def start_gunicorn(database_url: str, tmp_path: Path) -> Server:
    from conftest import SAMPLE_COURSES

    port = free_port()
    config = {"SECRET_KEY": "concurrency-test", "LMS_DATABASE_URL": database_url,
              "LMS_COURSE_DIRS": [str(SAMPLE_COURSES)], "RATELIMIT_ENABLED": False,
              "LMS_DEFAULT_LANGUAGE": "en"}
    (tmp_path / "concurrency_entry.py").write_text(ENTRY.format(config=config))
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
           "PYTHONPATH": str(tmp_path)}
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(WORKERS), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "30",
             "--graceful-timeout", "5", "--log-level", "warning", "--chdir", str(tmp_path),
             "concurrency_entry:app"],
            stdout=output, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return Server(process, base, log)
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    process.kill()
    raise AssertionError("gunicorn did not start:\n" + log.read_text())


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    dropped: int = 0  # connections cut by the killed worker (then retried)
    submissions: int = 0
    results: dict[str, tuple[int, str]] = field(default_factory=dict)  # user -> (number, page)
    errors: list[str] = field(default_factory=list)
    halfway: threading.Event = field(default_factory=threading.Event)


class Learner:
    def __init__(self, base: str, username: str, tally: Tally) -> None:
        self.base, self.username, self.tally = base, username, tally
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, data: dict[str, Any] | None = None) -> tuple[int, str, str]:
        """Send (retrying if the worker died under it); returns status, final URL, body."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        for _ in range(4):
            try:
                with self.opener.open(self.base + path, data=body, timeout=20) as response:
                    status, url, text = response.status, response.url, response.read().decode()
            except urllib.error.HTTPError as error:
                status, url, text = error.code, error.url, error.read().decode()
            except (ConnectionError, http.client.RemoteDisconnected,
                    http.client.IncompleteRead, urllib.error.URLError) as error:
                with self.tally.lock:
                    self.tally.dropped += 1
                last = error
                time.sleep(0.2)
                continue
            with self.tally.lock:
                self.tally.statuses[status] += 1
            return status, url, text
        raise AssertionError(f"{self.username}: {path} failed 4 times: {last!r}")

    @staticmethod
    def hidden(page: str, name: str) -> str:
        match = re.search(rf'name="{name}" value="([^"]*)"', page)
        assert match, f"no {name} in the page"
        return match.group(1)

    def run(self) -> None:
        try:
            status, _, page = self.request("/account/login")
            status, url, page = self.request("/account/login", {
                "login": self.username, "password": PASSWORD,
                "csrf_token": self.hidden(page, "csrf_token")})
            assert "/account/login" not in url, f"{self.username}: login failed ({status})"
            status, _, page = self.request(LESSON)
            status, _, _ = self.request(LESSON + "complete",
                                        {"csrf_token": self.hidden(page, "csrf_token")})
            assert status == 200, f"{self.username}: completing gave {status}"
            status, _, page = self.request(QUIZ)
            form = re.search(r'<form[^>]*class="quiz-form".*?</form>', page, re.S)
            assert form, f"{self.username}: no quiz form"
            answers: dict[str, list[str]] = {}
            for name, value in re.findall(r'name="(q\d+)" type="radio" value="([^"]+)"',
                                          form.group(0)):
                answers.setdefault(name, []).append(value)
            data = {"csrf_token": self.hidden(form.group(0), "csrf_token"),
                    "attempt": self.hidden(form.group(0), "attempt"),
                    "token": self.hidden(form.group(0), "token"),
                    **{name: random.choice(values) for name, values in answers.items()}}
            status, url, page = self.request(QUIZ + "quiz", data)
            match = re.search(r"/attempts/(\d+)$", url)
            assert status == 200 and match, f"{self.username}: quiz gave {status} at {url}"
            score = re.search(r"(\d+(?:\.\d+)?)\s*%", page)
            with self.tally.lock:
                self.tally.submissions += 1
                self.tally.results[self.username] = (int(match.group(1)),
                                                     score.group(1) if score else "")
                if self.tally.submissions >= LEARNERS // 2:
                    self.tally.halfway.set()
        except Exception as error:  # reported, with every other learner's, at the end
            with self.tally.lock:
                self.tally.errors.append(f"{self.username}: {error!r}")


def make_learners(count: int) -> list[str]:
    names = [f"learner{number:02d}" for number in range(count)]
    db.session.add_all(User(username=name, display_name=f"Learner {name[-2:]}",
                            password_hash=_FAST_HASH, role="student") for name in names)
    db.session.commit()
    return names


def test_fifty_learners_two_plus_workers_one_killed(app: Flask, database_url: str,
                                                    tmp_path: Path) -> None:
    sync_sample_courses(app)
    names = make_learners(LEARNERS)
    db.session.remove()
    server = start_gunicorn(database_url, tmp_path)
    tally = Tally()
    started = time.monotonic()
    killed: list[int] = []
    try:
        threads = [threading.Thread(target=Learner(server.base, name, tally).run, daemon=True)
                   for name in names]
        for thread in threads:
            thread.start()
        if tally.halfway.wait(timeout=TIME_LIMIT):
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        for thread in threads:
            thread.join(timeout=max(1.0, TIME_LIMIT - (time.monotonic() - started)))
        duration = time.monotonic() - started
        alive = [thread for thread in threads if thread.is_alive()]
    finally:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    log = server.log.read_text(errors="replace")
    print(f"\n{database_url.split(':')[0]}: {LEARNERS} learners, {WORKERS} workers, "
          f"{tally.submissions} quiz submissions in {duration:.1f}s; statuses "
          f"{dict(tally.statuses)}; worker killed: {killed}; connections cut and retried: "
          f"{tally.dropped}; learner errors: {len(tally.errors)}")

    assert not alive, f"{len(alive)} learners still running after {TIME_LIMIT}s"
    assert duration < TIME_LIMIT
    assert not tally.errors, "\n".join(tally.errors[:5]) + "\n--- server log:\n" + log[-3000:]
    assert killed, "the run ended before a worker could be killed"
    assert not [status for status in tally.statuses if status >= 500], tally.statuses
    assert "database is locked" not in log, log
    assert "Traceback" not in log, log

    db.session.remove()
    attempts = db.session.execute(
        select(User.username, QuizAttempt.number, QuizAttempt.score_percent,
               QuizAttempt.submitted_at)
        .join(User, User.id == QuizAttempt.user_id)).all()
    submitted = [row for row in attempts if row.submitted_at is not None]
    assert len(submitted) == LEARNERS, f"{len(submitted)} submitted attempts"
    assert Counter(row.username for row in submitted) == Counter(names)  # once each
    stored = {row.username: row for row in submitted}
    for username, (number, _score) in tally.results.items():  # nothing a learner saw is lost
        assert stored[username].number == number, username
    lesson_rows = db.session.scalar(select(func.count(ItemCompletion.id)).join(
        User, User.id == ItemCompletion.user_id).where(User.username.in_(names)))
    # One completed lesson each, plus the quiz for those who passed it.
    passed = sum(1 for row in submitted if row.score_percent is not None
                 and row.score_percent >= 50)
    assert lesson_rows == LEARNERS + passed
