"""The built wheel, installed outside the source tree, runs the README's Production commands
(issue 23, "Done when").

The wheel (built through the sdist, as pip builds from PyPI) is installed without its
dependencies into a fresh virtualenv in a temporary folder; the dependencies come from the
test virtualenv through a ``.pth`` line, so nothing is downloaded. Every command then runs
from another temporary folder, where no ``./lms``, ``./courses`` or ``./templates`` exists:
only what the wheel carries (compiled catalogues, templates, migrations, the shipped
courses) can make the pages and certificates right. About half a minute per database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
# CI must build the package; a developer machine without the build tools may skip.
REQUIRE_BUILD = REQUIRE_POSTGRES or bool(os.environ.get("CI"))
COURSES = ["ethical-finance", "fair-trade", "interculturalism"]

CERTIFICATE_SCRIPT = """
import sys
from sqlalchemy import select
from lms import create_app
from lms.auth.services import create_user
from lms.certificates.services import issue_certificate, render_pdf, set_preference
from lms.courses.models import Course
from lms.db import db, utcnow

app = create_app()
with app.app_context():
    user = create_user(username="giulia", password="a-long-password", role="student",
                       display_name="Giulia Bianchi")
    set_preference(user.id, "Giulia Bianchi", "it", now=utcnow())
    course = db.session.scalar(select(Course).where(Course.slug == "fair-trade"))
    certificate = issue_certificate(user.id, course.id, completed_at=utcnow(), now=utcnow())
    assert render_pdf(certificate.id, now=utcnow())  # issuing no longer renders
    open(sys.argv[1], "wb").write(certificate.pdf)
"""


def unavailable(reason: str) -> None:
    if REQUIRE_BUILD:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it, as ``python -m build`` makes them."""
    out = tmp_path_factory.mktemp("dist")
    try:
        import build  # noqa: F401
    except ImportError:
        unavailable("the 'build' package is missing (pip install '.[test]')")
    result = subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel",
                             "--outdir", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        unavailable(f"cannot build the package:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding the wheel, with the test virtualenv's dependencies."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # A plain path line: the test virtualenv's own .pth files (the editable install of this
    # checkout) are not processed, so `lms` can only come from the wheel.
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(dist.glob("lms-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    return root


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path,
             postgres_problem: str | None) -> Iterator[str]:
    """The PostgreSQL URL, or "" for the default SQLite file in the instance folder."""
    if request.param == "sqlite":
        yield ""
        return
    if postgres_problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but unavailable: {postgres_problem}")
        pytest.skip(f"PostgreSQL unavailable: {postgres_problem}")
    name = f"lms_wheel_{os.getpid()}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()



def get(url: str, language: str) -> str:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.read().decode())


def test_the_packages_carry_catalogues_templates_migrations_and_courses(dist: Path) -> None:
    wheel = zipfile.ZipFile(next(dist.glob("lms-*.whl"))).namelist()
    for name in (*(f"lms/translations/{language}/LC_MESSAGES/messages.mo"
                   for language in ("it", "ar", "pt", "es", "fr")),
                 "lms/_templates/lms/base.html", "lms/_migrations/env.py",
                 *(f"lms/_courses/{slug}/course.md" for slug in COURSES)):
        assert name in wheel
    with tarfile.open(next(dist.glob("lms-*.tar.gz"))) as sdist:
        names = sdist.getnames()
    assert any(name.endswith("lms/translations/it/LC_MESSAGES/messages.mo") for name in names)


def test_installed_wheel_runs_the_production_commands(venv: Path, database: str,
                                                      tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LMS_", "PYTHON", "VIRTUAL_ENV", "FLASK_"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               LMS_ENV="production", LMS_SECRET_KEY="a-real-secret-for-this-test",
               LMS_INSTANCE_PATH=str(tmp_path / "instance"),
               LMS_BASE_URL=f"http://127.0.0.1:{port}")
    if database:
        env["LMS_DATABASE_URL"] = database

    def lms(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(venv / "bin" / "lms"), *args], cwd=elsewhere, env=env,
                                capture_output=True, text=True, timeout=300)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import lms; print(lms.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(venv)), where.stdout  # the wheel, not the checkout

    lms("db", "upgrade")
    synced = lms("courses", "sync")
    assert f"added: {', '.join(COURSES)}" in synced.stdout

    wrong = dict(env, LMS_COURSE_DIRS=str(tmp_path / "no-such-folder"))
    refused = subprocess.run([str(venv / "bin" / "lms"), "courses", "sync"], cwd=elsewhere,
                             env=wrong, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1 and "no such folder" in refused.stderr
    again = lms("courses", "sync")
    assert f"unchanged: {', '.join(COURSES)}" in again.stdout and "withdrawn" not in again.stdout

    demo = lms("users", "demo", check=False)
    assert demo.returncode == 1 and "refusing" in demo.stderr

    backup = tmp_path / "backups" / ("lms.dump" if database else "lms.sqlite3")
    lms("backup", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600
    if not database:
        assert (tmp_path / "instance" / "lms.sqlite3").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "instance").stat().st_mode & 0o777 == 0o700

    pdf = tmp_path / "certificate.pdf"
    subprocess.run([str(venv / "bin" / "python"), "-c", CERTIFICATE_SCRIPT, str(pdf)],
                   cwd=elsewhere, env=env, check=True, timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Attestato di completamento" in text and "Giulia Bianchi" in text

    server = subprocess.Popen(
        [str(venv / "bin" / "python"), "-m", "gunicorn", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "lms:create_app()"],
        cwd=elsewhere, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                assert get(f"{base}/healthz", "en")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        italian = get(f"{base}/account/login", "it")
        assert 'lang="it"' in italian and "Accedi" in italian
        arabic = get(f"{base}/account/login", "ar")
        assert 'dir="rtl"' in arabic and "تسجيل الدخول" in arabic
        for language, skip_link in [("pt", "Saltar para o conteúdo principal"),
                                    ("es", "Ir al contenido principal"),
                                    ("fr", "Aller au contenu principal")]:
            page = get(f"{base}/account/login", language)
            assert f'lang="{language}"' in page and skip_link in page, language
        catalogue = get(f"{base}/courses/", "it")
        assert all(f"/courses/{slug}" in catalogue for slug in COURSES)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors, errors


@pytest.fixture(autouse=True)
def _pdftotext() -> None:
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is needed to read the certificate")
