"""The LMS mounted inside someone else's Flask app."""

from __future__ import annotations

from pathlib import Path

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
