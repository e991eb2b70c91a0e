"""Fixtures: the app on SQLite and PostgreSQL, a client, a CLI runner, and factories."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings

from lms import create_app
from lms.auth.models import User
from lms.db import db, init_migrations

DATA = Path(__file__).parent / "data"
SAMPLE_COURSES = DATA / "packages" / "good"
POSTGRES_URL = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql+psycopg:///lms_test")
# CI sets this so that a missing PostgreSQL fails the run instead of skipping half the tests.
REQUIRE_POSTGRES = os.environ.get("LMS_REQUIRE_POSTGRES") == "1"

_migrated: set[str] = set()

# Property tests judge output, not speed: a busy CI machine must not fail them on Hypothesis's
# 200 ms per-example deadline (speed is measured by `make bench`).
settings.register_profile("lms", deadline=None)
settings.load_profile("lms")


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogues (the .mo files are git-ignored) when missing or stale, so a bare
    `pytest` on a fresh checkout shows translated pages just like `make test`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = Path(__file__).parent.parent / "lms" / "translations"
    for po_path in translations.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po:
            catalog = read_po(po, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo:
            write_mo(mo, catalog)


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # any failure to connect means "not available here"
        return str(error).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_problem() -> str | None:
    return _postgres_available()


@pytest.fixture(scope="session")
def postgres_url(postgres_problem: str | None) -> Iterator[str | None]:
    """A database of this test session's own, so parallel runs never share tables."""
    if postgres_problem:
        yield None
        return
    name = f"lms_test_{os.getpid()}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 postgres_problem: str | None, postgres_url: str | None) -> str:
    """Every database test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.getbasetemp() / "lms-test.sqlite3")
    if postgres_problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but unavailable: {postgres_problem}")
        pytest.skip(f"PostgreSQL unavailable: {postgres_problem}")
    assert postgres_url is not None
    return postgres_url


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own application context.

    The ``app`` fixture keeps a context pushed for the test body; without this, requests
    would share its ``g`` (cached locale, logged-in user) as they never do in production.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(database_url: str, tmp_path: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LMS_DATABASE_URL": database_url,
        "LMS_COURSE_DIRS": [str(SAMPLE_COURSES)],
        "LMS_DEFAULT_LANGUAGE": "en",
        # Tests log in many times from one address; test_security turns limits back on.
        "RATELIMIT_ENABLED": False,
        # Cheap hashes keep the suite fast; test_auth checks the real default separately.
        "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    # create_app reads the instance folder from the environment; set it for this call only,
    # so no test sees the folder of an app an earlier test made.
    previous = os.environ.get("LMS_INSTANCE_PATH")
    os.environ["LMS_INSTANCE_PATH"] = str(tmp_path / "instance")
    try:
        application = create_app(config)
    finally:
        if previous is None:
            del os.environ["LMS_INSTANCE_PATH"]
        else:
            os.environ["LMS_INSTANCE_PATH"] = previous
    init_migrations(application)  # the tests run the real migrations
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    from lms import layout
    from lms.courses import lookup

    # Per-worker caches live as long as the process: a test starts with none, so that a key
    # one test filled (ids restart on SQLite) never answers for another.
    lookup._TEXT_CACHE.clear()
    layout._tokens.clear()
    application = make_test_app(database_url, tmp_path)
    with application.app_context():
        if database_url not in _migrated:
            from flask_migrate import downgrade, upgrade

            # The real migrations build the schema, so the tests check them too.
            downgrade(revision="base")
            upgrade()
            _migrated.add(database_url)
        yield application
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user: ``make_user(role="teacher")``; the password is always ``password123``."""
    from lms.auth.services import create_user

    def factory(role: str = "student", **fields: Any) -> User:
        number = next(_counter)
        fields.setdefault("username", f"{role}{number}")
        fields.setdefault("display_name", f"Test {role.title()} {number}")
        return create_user(password="password123", role=role, **fields)

    return factory


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], None]:
    def do_login(user: User, password: str = "password123") -> None:
        response = client.post("/account/login", data={"login": user.username,
                                                       "password": password})
        assert response.status_code == 302, response.text

    return do_login


@pytest.fixture
def synced(app: Flask) -> None:
    """The sample course packages loaded into the database."""
    from lms.courses.sync import load_packages, sync_courses
    from lms.db import utcnow

    specs, problems = load_packages(app.extensions["lms"].course_dirs,
                                    question_types=app.extensions["lms"].question_types)
    assert not [p for p in problems if p.is_error], problems
    sync_courses(specs, now=utcnow())


# CI sets this so that a missing redis-server fails the shared rate-limit tests instead of
# skipping them.
REQUIRE_REDIS = os.environ.get("LMS_REQUIRE_REDIS") == "1"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server (Debian's) on a free port, nothing written to disk; stopped after."""
    import shutil
    import socket
    import subprocess
    import time

    import redis

    server = shutil.which("redis-server")
    if server is None:
        if REQUIRE_REDIS:
            pytest.fail("redis-server is required (LMS_REQUIRE_REDIS=1) but not installed")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    folder = tmp_path / "redis"
    folder.mkdir()
    log = folder / "redis.log"
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        for _ in range(100):  # bounded: 100 tries, each a ping or a 50 ms pause
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer:\n" + _read(log))
        if process.poll() is not None:
            pytest.fail("redis-server stopped:\n" + _read(log))
        yield url
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
