"""Two app servers on one PostgreSQL database, each with its own instance folder, as an
operator runs them behind a load balancer (README, Production): a draft saved on one is edited
and published on the other, an image uploaded on one is served by the other (in the draft's
preview and, once published, to learners), and two trainers saving the same file on the two
servers do not overwrite each other.

The servers are gunicorn processes started and stopped by the test on free ports. The trainer's
browser keeps one cookie jar for both: cookies do not depend on the port, and both servers
share the secret key, as they must behind a load balancer.
"""

from __future__ import annotations

import html
import http.client
import http.cookiejar
import io
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from authoring_support import LESSON, LESSON_TEXT, SLUG
from PIL import Image

from lms.auth.services import create_user
from lms.db import db
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, make_test_app
from tests.servers import GUNICORN, free_port, needs_gunicorn

REPO = Path(__file__).resolve().parent.parent
TRAINER = "trainer-shared"

pytestmark = needs_gunicorn



@pytest.fixture
def shared_database(postgres_problem: str | None, tmp_path: Path) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own, with one trainer."""
    if postgres_problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but unavailable: {postgres_problem}")
        pytest.skip(f"PostgreSQL unavailable: {postgres_problem}")
    from flask_migrate import upgrade

    name = f"lms_test_shared_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        app = make_test_app(url, tmp_path / "setup")
        with app.app_context():
            upgrade()
            create_user(username=TRAINER, password="password123", display_name="Trainer",
                        role="trainer")
            db.session.remove()
            db.engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    instance: Path
    log: Path


@contextmanager
def gunicorn(tmp_path: Path, name: str, database_url: str) -> Iterator[Server]:
    folder = tmp_path / name
    folder.mkdir()
    port, log = free_port(), folder / "gunicorn.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "LMS_DATABASE_URL": database_url,
           "LMS_SECRET_KEY": "two-servers-test", "LMS_INSTANCE_PATH": str(folder / "instance"),
           "LMS_COURSE_DIRS": ""}
    env.pop("WEB_CONCURRENCY", None)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "120",
             "--graceful-timeout", "5", "--chdir", str(folder), "lms:create_app()"],
            stdout=output, stderr=subprocess.STDOUT, env=env)
    server = Server(name, process, f"http://127.0.0.1:{port}", folder / "instance", log)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(server: Server) -> None:
    for _ in range(900):  # bounded: 90 s (a busy machine imports the app slowly)
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn {server.name} did not start:\n" + server.log.read_text())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One trainer's browser: one cookie jar, whichever server answers."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        self.csrf = ""

    def request(self, server: Server, method: str, path: str, body: bytes | None = None,
                content_type: str = "") -> tuple[int, bytes, dict[str, str]]:
        request = urllib.request.Request(server.base + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def get(self, server: Server, path: str) -> tuple[int, str]:
        status, body, _ = self.request(server, "GET", path)
        return status, body.decode()

    def post(self, server: Server, path: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode({**fields, "csrf_token": self.csrf}).encode()
        status, body, _ = self.request(server, "POST", path, data,
                                       "application/x-www-form-urlencoded")
        return status, body.decode()

    def upload(self, server: Server, path: str, fields: dict[str, str], name: str,
               filename: str, data: bytes) -> int:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                 f"{value}\r\n".encode() for key, value in {**fields,
                                                            "csrf_token": self.csrf}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                     f"\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(server, "POST", path, body,
                            f"multipart/form-data; boundary={boundary}")[0]

    def log_in(self, server: Server) -> None:
        page = self.get(server, "/account/login")[1]
        self.csrf = _field(page, "csrf_token")
        status, _ = self.post(server, "/account/login",
                              {"login": TRAINER, "password": "password123"})
        assert status == 302
        # A new session after logging in: the token of the forms from now on.
        self.csrf = _field(self.get(server, "/author/")[1], "csrf_token")


def _field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page) or re.search(
        rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no field {name}"
    return html.unescape(match.group(1))


def _textarea(page: str) -> str:
    match = re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", page, re.DOTALL)
    assert match, "no textarea"
    return html.unescape(match.group(1))


def _photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (2400, 1200), (20, 120, 60)).save(output, "JPEG")
    return output.getvalue()


EDIT = f"/author/courses/{SLUG}/edit/{LESSON}"


def test_two_servers_share_drafts_images_and_versions(tmp_path: Path,
                                                      shared_database: str) -> None:
    with ExitStack() as stack:
        a = stack.enter_context(gunicorn(tmp_path, "a", shared_database))
        b = stack.enter_context(gunicorn(tmp_path, "b", shared_database))
        trainer = Browser()
        trainer.log_in(a)

        # On A: a new course, a lesson saved and a photo uploaded.
        status, _ = trainer.post(a, "/author/new", {
            "title": "Water rights", "slug": SLUG, "summary": "Who owns water?",
            "topic": "other", "languages": "en"})
        assert status == 302
        page = trainer.get(a, EDIT)[1]
        status, _ = trainer.post(a, EDIT, {"text": LESSON_TEXT, "action": "save",
                                           "base_hash": _field(page, "base_hash")})
        assert status == 302
        assert trainer.upload(a, f"/author/courses/{SLUG}/images", {
            "alt": "A river", "folder": "01-introduction"}, "image", "river.jpg",
            _photo()) == 302

        # On B, whose instance folder has never seen the draft: the list, the course page,
        # the lesson as saved on A, and the photo (made 1600 px wide on A).
        assert SLUG in trainer.get(b, "/author/")[1]
        status, page = trainer.get(b, f"/author/courses/{SLUG}/")
        assert status == 200 and "river.jpg" in page
        status, page = trainer.get(b, EDIT)
        assert status == 200 and _textarea(page) == LESSON_TEXT
        status, image, _ = trainer.request(b, "GET",
                                           f"/author/courses/{SLUG}/media/01-introduction/river.jpg")
        assert status == 200 and Image.open(io.BytesIO(image)).size == (1600, 800)

        # Two trainers (here: two tabs) opened the lesson, one on each server.
        stale_on_a = trainer.get(a, EDIT)[1]
        edited = LESSON_TEXT.replace("In 2010", "In July 2010") + \
            "\n![A river](river.jpg)\n"
        status, _ = trainer.post(b, EDIT, {"text": edited, "action": "save",
                                           "base_hash": _field(page, "base_hash")})
        assert status == 302
        mine = LESSON_TEXT.replace("human right", "basic human right")
        status, refused = trainer.post(a, EDIT, {"text": mine, "action": "save",
                                                 "base_hash": _field(stale_on_a, "base_hash")})
        assert status == 409
        assert _textarea(refused) == mine  # nothing the trainer typed is lost
        assert "In July 2010" in html.unescape(refused)  # the diff shows what B saved
        assert _textarea(trainer.get(a, EDIT)[1]) == edited  # and it was not overwritten

        # Published on B; on A the learner page shows B's text and its photo, even once
        # B's folders are gone (a server elsewhere): A unpacks the stored version.
        status, _ = trainer.post(b, f"/author/courses/{SLUG}/publish", {"note": "First"})
        assert status == 302
        status, page = trainer.get(a, f"/author/courses/{SLUG}/versions/")
        assert status == 200 and "First" in page
        shutil.rmtree(b.instance / "authoring" / "published")
        status, page = trainer.get(a, f"/courses/{SLUG}/introduction/first-lesson/")
        assert status == 200 and "In July 2010" in page
        status, image, headers = trainer.request(
            a, "GET", f"/courses/{SLUG}/media/01-introduction/river.jpg")
        assert status == 200 and Image.open(io.BytesIO(image)).size == (1600, 800)
        assert headers["Content-Security-Policy"] == "default-src 'none'"
