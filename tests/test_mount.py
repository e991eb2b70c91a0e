"""The LMS mounted inside someone else's Flask app."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from lms import LMS
from lms.db import db, init_migrations
from tests.conftest import SAMPLE_COURSES, IsolatedClient


def test_lms_mounted_under_learn_serves_a_lesson(tmp_path: Path) -> None:
    host = Flask("host", instance_path=str(tmp_path / "instance"))

    @host.get("/")
    def host_home() -> str:
        return "the host's own home page"

    LMS().init_app(host, url_prefix="/learn", config={
        "SECRET_KEY": "host-secret",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "host.sqlite3"),
        "LMS_COURSE_DIRS": [str(SAMPLE_COURSES)],
    })
    host.test_client_class = IsolatedClient
    with host.app_context():
        from flask_migrate import upgrade

        from lms.courses.sync import load_packages, sync_courses
        from lms.db import utcnow

        init_migrations(host)
        upgrade()
        specs, _ = load_packages(host.extensions["lms"].course_dirs)
        sync_courses(specs, now=utcnow())

        client = host.test_client()
        assert client.get("/").text == "the host's own home page"
        lesson = client.get("/learn/courses/sample-course/basics/first-lesson/")
        assert lesson.status_code == 200
        assert "Follow the money" in lesson.text
        assert 'href="/learn/static/lms/style.css?v=' in lesson.text  # fingerprinted
        assert 'href="/learn/courses/sample-course/"' in lesson.text
        with client.get("/learn/courses/sample-course/media/01-basics/chain.svg") as image:
            assert image.status_code == 200
        assert client.get("/learn/courses/").status_code == 200
        # The host keeps its own 404 page; the LMS's layout is used inside /learn only.
        assert "We could not find" not in client.get("/missing").text
        assert "We could not find" in client.get("/learn/courses/nope/").text
        db.session.remove()
        db.engine.dispose()


def test_host_templates_override_single_lms_templates(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "lms"
    templates.mkdir(parents=True)
    (templates / "error.html").write_text("host error page {{ code }}")
    host = Flask("host", instance_path=str(tmp_path / "instance"),
                 template_folder=str(tmp_path / "templates"))
    LMS(host, url_prefix="/learn", config={
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "host.sqlite3"),
    })
    with host.app_context():
        from flask_migrate import upgrade

        init_migrations(host)
        upgrade()
        response = host.test_client().get("/learn/courses/nope/")
        assert response.text == "host error page 404"
        db.session.remove()
        db.engine.dispose()


def test_a_host_with_its_own_limiter_login_manager_and_engine_keeps_all_three(
        tmp_path: Path) -> None:
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from flask_login import LoginManager, login_required
    from sqlalchemy import create_engine

    from lms.auth.services import create_user
    from lms.limits import limiter as lms_limiter

    host = Flask("host", instance_path=str(tmp_path / "instance"))
    host.config["RATELIMIT_ENABLED"] = True
    host_limiter = Limiter(get_remote_address, app=host, storage_uri="memory://")
    host_logins = LoginManager(host)
    host_logins.login_view = "host_login"
    host_engine = create_engine("sqlite:///" + str(tmp_path / "host-own.sqlite3"))

    @host.get("/ping")
    @host_limiter.limit("2 per hour")
    def ping() -> str:
        return "pong"

    @host.get("/host-login")
    def host_login() -> str:
        return "the host's login page"

    @host.get("/members")
    @login_required
    def members() -> str:
        return "members only"

    LMS(host, url_prefix="/learn", config={
        "SECRET_KEY": "host-secret",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "lms.sqlite3"),
        "LMS_LOGIN_LIMIT": "3 per hour",
        "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    host.test_client_class = IsolatedClient
    lms_limiter.reset()
    try:
        with host.app_context():
            from flask_migrate import upgrade

            init_migrations(host)
            upgrade()
            create_user(username="pupil", password="password123", display_name="Pupil")
            client = host.test_client()

            # Both limiters count: the host's route and the LMS's login, each to its own limit.
            assert [client.get("/ping").status_code for _ in range(3)] == [200, 200, 429]
            codes = [client.post("/learn/account/login",
                                 data={"login": "pupil", "password": "wrong"}).status_code
                     for _ in range(5)]
            assert codes == [200, 200, 200, 429, 429]

            # The host's LoginManager is the one in use, and its login page stays its own.
            assert host.login_manager is host_logins  # type: ignore[attr-defined]
            assert host_logins.login_view == "host_login"
            assert client.get("/members").headers["Location"].startswith("/host-login")
            assert client.get("/learn/certificates/").headers["Location"].startswith(
                "/learn/account/login")

            # The LMS's pragmas are on the LMS's engine only.
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            with host_engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
            db.session.remove()
            db.engine.dispose()
    finally:
        lms_limiter.reset()
        host_engine.dispose()


def test_a_host_login_manager_that_loads_its_own_users_is_refused(tmp_path: Path) -> None:
    from flask_login import LoginManager

    host = Flask("host", instance_path=str(tmp_path / "instance"))
    host_logins = LoginManager(host)

    @host_logins.user_loader
    def load_host_user(user_id: str) -> None:
        return None

    with pytest.raises(RuntimeError, match="user loader"):
        LMS(host, config={"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert host_logins._user_callback is load_host_user
