"""Browser tests: a live LMS in a thread, driven by Debian's chromium through Playwright.

The server runs the real app on a temporary SQLite database built by the real migrations,
loaded with the real ``courses/`` plus the sample course (its quiz has the question types a
keyboard journey needs), and the demo accounts (password ``demo-password``).

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test`` as root); Playwright's
own browser download cannot work here. When chromium cannot start the tests are skipped,
unless ``LMS_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which makes them fail instead.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import make_server

from tests.servers import whole_responses

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_COURSES = ROOT / "tests" / "data" / "packages" / "good"
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("LMS_REQUIRE_BROWSER") == "1"
PASSWORD = "demo-password"
#: Where tests save their screenshots (git-ignored); look at them after a run.
SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium; pytest-playwright has no command-line option for the executable."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[[], Browser]) -> Iterator[Browser]:
    """pytest-playwright's browser, skipped (or failed under LMS_REQUIRE_BROWSER=1) when
    chromium cannot start."""
    try:
        started = launch_browser()
    except Exception as error:  # a missing binary or a crashing browser: same answer
        reason = f"chromium cannot start ({CHROMIUM}): {str(error).splitlines()[0]}"
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    yield started
    started.close()


# -- the live server -------------------------------------------------------------------------


def _build_app(folder: Path) -> Flask:
    from flask_migrate import upgrade

    from lms import create_app
    from lms.auth.services import create_user
    from lms.cli import DEMO_ACCOUNTS
    from lms.courses.sync import load_packages, sync_courses
    from lms.db import init_migrations, utcnow

    database = "sqlite:///" + str(folder / "lms.sqlite3")
    app = create_app({
        "SECRET_KEY": "e2e-secret",
        "SQLALCHEMY_DATABASE_URI": database,
        "LMS_DATABASE_URL": database,
        "LMS_COURSE_DIRS": [str(ROOT / "courses"), str(SAMPLE_COURSES),
                            str(ROOT / "tests" / "data" / "packages" / "quiz-course")],
        "LMS_DEFAULT_LANGUAGE": "en",
    })
    init_migrations(app)
    with app.app_context():
        upgrade()
        state = app.extensions["lms"]
        specs, _problems = load_packages(state.course_dirs, question_types=state.question_types)
        assert any(spec.slug == "sample-course" for spec in specs), "the sample course must load"
        sync_courses(specs, now=utcnow())
        for username, name, role in DEMO_ACCOUNTS:
            create_user(username=username, password=PASSWORD, display_name=name, role=role)
    return app


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    previous = os.environ.get("LMS_INSTANCE_PATH")
    folder = tmp_path_factory.mktemp("e2e")
    os.environ["LMS_INSTANCE_PATH"] = str(folder / "instance")
    try:
        return _build_app(folder)
    finally:
        if previous is not None:
            os.environ["LMS_INSTANCE_PATH"] = previous


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The base URL of the app, served by werkzeug in a thread (one thread per request)."""
    # Whole answers: see tests/servers.py (a dropped favicon request left a file open).
    server = make_server("127.0.0.1", 0, whole_responses(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


_account_numbers = itertools.count(1)


@pytest.fixture
def make_account(live_app: Flask) -> Callable[..., str]:
    """A fresh account in the live database, for journeys that change progress or settings;
    returns its username (the password is ``demo-password``)."""
    from lms.auth.services import create_user

    def factory(role: str = "student", **fields: Any) -> str:
        username = f"e2e-{role}-{next(_account_numbers)}"
        fields.setdefault("display_name", f"E2E {role.title()}")
        with live_app.app_context():
            create_user(username=username, password=PASSWORD, role=role, **fields)
        return username

    return factory


# -- pages and contexts ----------------------------------------------------------------------


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form (CSRF included)."""
    page.goto("/account/login")
    page.fill("#login", username)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url, f"log-in as {username} failed"


@pytest.fixture(scope="session")
def _login_states(browser: Browser, live_server: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """A saved session (cookies) per demo account, so tests start logged in cheaply."""
    folder = tmp_path_factory.mktemp("states")
    states: dict[str, str] = {}

    def state_for(username: str) -> str:
        if username not in states:
            context = browser.new_context(base_url=live_server)
            page = context.new_page()
            log_in(page, username)
            path = str(folder / f"{username}.json")
            context.storage_state(path=path)
            context.close()
            states[username] = path
        return states[username]

    return state_for


@pytest.fixture
def open_page(browser: Browser, live_server: str,
              _login_states: Callable[[str], str]) -> Iterator[Callable[..., Page]]:
    """``open_page(user="student", locale="it-IT", width=375)``: a new page in its own context
    (own cookies, cold cache), logged in as ``user`` when given."""
    contexts: list[BrowserContext] = []

    def factory(user: str | None = None, *, locale: str = "en-GB", width: int = 1280,
                height: int = 900, **options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server,
            locale=locale,
            viewport={"width": width, "height": height},
            storage_state=_login_states(user) if user else None,
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, "lesson-ar")``: a PNG under screenshots/ (git-ignored), the whole
    page or, with ``full_page=False``, the first screen."""

    def take(page: Page, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def login_page() -> Callable[..., None]:
    """``login_page(page, "student")``: log in through the form on an existing page."""
    return log_in


# -- data the pages need ---------------------------------------------------------------------


class Site:
    """Values for the ``{placeholders}`` in page paths, built on first use in the live
    database. A value whose feature is broken fails only the pages that need it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.values: dict[str, Any] = {}

    def url(self, path: str) -> str:
        import string

        keys = [field for _, field, _, _ in string.Formatter().parse(path) if field]
        return path.format(**{key: self[key] for key in keys})

    def __getitem__(self, key: str) -> Any:
        if key not in self.values:
            with self.app.app_context():
                self.values.update(getattr(self, f"_build_{key}")())
        return self.values[key]

    # Each builder returns one or more values.
    def _build_course(self) -> dict[str, Any]:
        """The first real course, its first module and first lesson."""
        from sqlalchemy import select

        from lms.courses.models import Course, Item, Module
        from lms.db import db

        courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
        course = next(c for c in courses if str(ROOT / "courses") in str(c.source_dir))
        module = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                    .order_by(Module.position)).first()
        lesson = db.session.scalars(select(Item).where(Item.module_id == module.id,
                                                       Item.kind == "lesson")
                                    .order_by(Item.position)).first()
        return {"course": course.slug, "course_id": course.id, "module": module.slug,
                "module_id": module.id, "lesson": lesson.slug}

    _build_course_id = _build_module = _build_module_id = _build_lesson = _build_course

    def _build_quiz(self) -> dict[str, Any]:
        return {"quiz": "sample-course/basics/check"}

    def _user_id(self, username: str) -> int:
        from sqlalchemy import select

        from lms.auth.models import User
        from lms.db import db

        return int(db.session.scalar(select(User.id).where(User.username == username)))

    def _build_student_id(self) -> dict[str, Any]:
        return {"student_id": self._user_id("student")}

    def _build_class_id(self) -> dict[str, Any]:
        """A class of the demo teacher on the first real course, joined by the demo student."""
        from lms.classes.services import create_class, join_class
        from lms.db import utcnow

        course_id = self["course_id"]
        school_class = create_class(self._user_id("teacher"), "3B – 2026/27", course_id,
                                    now=utcnow())
        join_class(self._user_id("student"), school_class.join_code, now=utcnow())
        return {"class_id": school_class.id}

    def _build_reflection_quiz_id(self) -> dict[str, Any]:
        """A quiz of the class's course that asks for reflections, answered by the demo
        student and commented on by the demo teacher (so the page shows all its parts)."""
        from sqlalchemy import select

        from lms.courses.models import Item, ItemText
        from lms.db import db, utcnow
        from lms.quizzes.models import QuizAttempt
        from lms.reflections.models import ReflectionComment

        class_id, student_id = self["class_id"], self._user_id("student")
        text = next(t for t in db.session.scalars(
            select(ItemText).join(Item, Item.id == ItemText.item_id)
            .where(Item.course_id == self["course_id"], Item.kind == "quiz",
                   ItemText.language == "en").order_by(Item.position))
            if any(q.get("type") == "reflection" for q in t.questions or []))
        key = next(q["key"] for q in text.questions if q["type"] == "reflection")
        item = db.session.get(Item, text.item_id)
        attempt = QuizAttempt(user_id=student_id, item_id=item.id, course_id=item.course_id,
                              number=1, language="en", seed=1, content_hash=item.content_hash,
                              questions=text.questions, answers={key: "A long answer."},
                              results={}, score_percent=100.0, passed=True,
                              submitted_at=utcnow())
        db.session.add(attempt)
        db.session.flush()
        db.session.add(ReflectionComment(attempt_id=attempt.id, question_key=key,
                                         student_id=student_id, body="Thank you.",
                                         teacher_id=self._user_id("teacher")))
        db.session.commit()
        assert class_id
        return {"reflection_quiz_id": item.id}

    def _build_draft(self) -> dict[str, Any]:
        """A browser-authored draft of the demo trainer: a lesson and a quiz in one module."""
        from lms.auth.models import User
        from lms.authoring import drafts, services
        from lms.authoring.views import authoring_dirs
        from lms.db import db

        dirs, slug = authoring_dirs(), "a11y-draft"
        services.create_course(dirs, slug=slug, title="Water rights", summary="Who owns water?",
                               topic="other", languages=["en"],
                               owner=db.session.get(User, self._user_id("trainer")),
                               course_dirs=self.app.extensions["lms"].course_dirs)
        drafts.add_item(dirs.draft(slug), "01-introduction", "Check", "quiz")
        return {"draft": slug}

    def _build_certificate(self) -> dict[str, Any]:
        """The demo student's certificate for the sample course."""
        from sqlalchemy import select

        from lms.certificates.services import issue_certificate
        from lms.courses.models import Course
        from lms.db import db, utcnow

        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        certificate = issue_certificate(self._user_id("student"), course_id,
                                        completed_at=utcnow(), now=utcnow())
        return {"certificate": certificate.code}

    def _build_claim_course(self) -> dict[str, Any]:
        """The sample course, completed by the demo teacher: its certificate is ready to claim."""
        from sqlalchemy import select

        from lms.courses.models import Course, Item
        from lms.db import db, utcnow
        from lms.progress.services import mark_item_complete

        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        for item_id in db.session.scalars(select(Item.id).where(
                Item.course_id == course_id, Item.required, Item.available)):
            mark_item_complete(self._user_id("teacher"), item_id, now=utcnow())
        return {"claim_course": "sample-course"}


@pytest.fixture(scope="session")
def site(live_app: Flask, live_server: str) -> Site:
    return Site(live_app)
