"""Settings: the typed table, the environment, explicit values, cookie security by scheme."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import make_test_app
from flask import Flask
from security_world import csrf_token_from

from lms import create_app
from lms.auth.models import User
from lms.config import SETTINGS, ConfigError, parse_setting, read_environment
from lms.db import db

ROOT = Path(__file__).parent.parent
BY_NAME = {setting.name: setting for setting in SETTINGS}
#: Read by the code but not operator settings: the test suite's cheap password hashes.
NOT_SETTINGS = {"LMS_PASSWORD_HASH_METHOD"}


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("LMS_SMTP_PORT", " 2525 ", 2525),
    ("LMS_COMPRESS", "false", False),
    ("LMS_COMPRESS", "Off", False),
    ("LMS_COMPRESS", "yes", True),
    ("LMS_LANGUAGES", "en, it ,fr,", ["en", "it", "fr"]),
    ("LMS_COURSE_DIRS", "/srv/a:/srv/b", ["/srv/a", "/srv/b"]),
    ("LMS_INSTANCE_PATH", "/var/lib/lms", "/var/lib/lms"),
    ("LMS_LOGIN_LIMIT", "3 per minute; 30 per hour", "3 per minute; 30 per hour"),
    ("LMS_FRAME_ANCESTORS", "'self' https://ngo.example", "'self' https://ngo.example"),
    ("LMS_ENV", "Production", "production"),
    ("LMS_LOG_LEVEL", "warning", "WARNING"),
    ("LMS_SMTP_PASSWORD", " keeps spaces ", " keeps spaces "),
])
def test_values_are_parsed_by_type(name: str, raw: str, expected: object) -> None:
    assert parse_setting(BY_NAME[name], raw) == expected


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("LMS_SMTP_PORT", "abc", "LMS_SMTP_PORT: expected a whole number, got 'abc'"),
    ("LMS_RESET_TOKEN_MAX_AGE", "1.5", "LMS_RESET_TOKEN_MAX_AGE: expected a whole number"),
    ("LMS_COMPRESS", "maybe", "LMS_COMPRESS: expected true or false, got 'maybe'"),
    ("LMS_ENV", "prod", "LMS_ENV: expected one of development, production, got 'prod'"),
    ("LMS_LOGIN_LIMIT", "lots", "LMS_LOGIN_LIMIT: expected limits like"),
    ("LMS_TIMEZONE", "Mars/Olympus", "LMS_TIMEZONE: expected a time zone name"),
    ("LMS_BASE_URL", "learn.example.org", "LMS_BASE_URL: expected a URL starting with"),
])
def test_bad_values_name_the_variable(name: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_setting(BY_NAME[name], raw)


def test_environment_reaches_the_app_and_empty_means_unset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_LOGIN_LIMIT", "2 per minute")
    monkeypatch.setenv("LMS_COMPRESS", "0")
    monkeypatch.setenv("LMS_LANGUAGES", "en,it")
    monkeypatch.setenv("LMS_RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("LMS_MAX_CONTENT_LENGTH", "1048576")
    monkeypatch.setenv("LMS_SMTP_HOST", "")
    app = create_app()
    assert app.config["LMS_LOGIN_LIMIT"] == "2 per minute"
    assert app.config["LMS_COMPRESS"] is False
    assert app.config["LMS_LANGUAGES"] == ["en", "it"]
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["MAX_CONTENT_LENGTH"] == 1048576
    assert app.config["LMS_SMTP_HOST"] == ""
    assert read_environment({"LMS_SMTP_PORT": "  "}) == {}


def test_a_bad_environment_value_stops_start_up(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_RESET_TOKEN_MAX_AGE", "an hour")
    with pytest.raises(ConfigError, match="LMS_RESET_TOKEN_MAX_AGE: expected a whole number"):
        create_app()


def test_the_default_language_must_be_offered(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_LANGUAGES", "it,ar")
    with pytest.raises(ConfigError, match=re.escape(
            "LMS_DEFAULT_LANGUAGE: 'en' is not one of LMS_LANGUAGES (it, ar)")):
        create_app()
    monkeypatch.setenv("LMS_DEFAULT_LANGUAGE", "it")
    assert create_app().config["LMS_DEFAULT_LANGUAGE"] == "it"


def test_the_config_mapping_beats_the_environment(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_SITE_NAME", "From the environment")
    app = create_app({"LMS_SITE_NAME": "From the mapping", "SECRET_KEY": "k"})
    assert app.config["LMS_SITE_NAME"] == "From the mapping"


def test_an_explicit_false_is_honoured_in_production(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """SESSION_COOKIE_SECURE=False equals Flask's default and used to count as "not chosen"."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app({"LMS_ENV": "production", "SECRET_KEY": "k",
                      "LMS_BASE_URL": "https://learn.example.org",
                      "SESSION_COOKIE_SECURE": False})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_a_host_apps_own_choice_is_kept(tmp_path: Path) -> None:
    from lms import LMS

    host = Flask("host", instance_path=str(tmp_path / "host"))
    host.config.update(SECRET_KEY="k", LMS_SITE_NAME="Host school",
                       SESSION_COOKIE_SAMESITE="Strict")
    LMS(host)
    assert host.config["LMS_SITE_NAME"] == "Host school"
    assert host.config["SESSION_COOKIE_SAMESITE"] == "Strict"


@pytest.fixture
def production_app(app: Flask, database_url: str, tmp_path: Path
                   ) -> Iterator[Callable[[str], Flask]]:
    """A production app (CSRF on) on the test database, for a given LMS_BASE_URL."""
    made: list[Flask] = []

    def factory(base_url: str) -> Flask:
        made.append(make_test_app(database_url, tmp_path / str(len(made)), LMS_ENV="production",
                                  LMS_BASE_URL=base_url, WTF_CSRF_ENABLED=True))
        return made[-1]

    yield factory
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _log_in(app: Flask, user: User) -> tuple[int, str]:
    client = app.test_client()
    site = app.config["LMS_BASE_URL"]  # production answers only to its own host
    token = csrf_token_from(client.get("/account/login", base_url=site).text)
    response = client.post("/account/login", base_url=site,
                           data={"login": user.username, "password": "password123",
                                 "csrf_token": token})
    return response.status_code, response.headers.get("Set-Cookie", "")


def test_production_over_https_sets_secure_cookies(production_app: Callable[[str], Flask],
                                                   make_user: Callable[..., User]) -> None:
    user = make_user()
    app = production_app("https://learn.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    status, cookie = _log_in(app, user)
    assert status == 302 and "; Secure" in cookie


def test_production_over_plain_http_lets_users_log_in_and_warns(
        production_app: Callable[[str], Flask], make_user: Callable[..., User],
        caplog: pytest.LogCaptureFixture) -> None:
    user = make_user()
    with caplog.at_level(logging.WARNING, logger="lms.config"):
        app = production_app("http://192.168.1.10")
    assert any("production runs over plain HTTP" in record.getMessage()
               for record in caplog.records)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    status, cookie = _log_in(app, user)
    assert status == 302, "a browser on http:// would drop a Secure cookie: 'The form expired'"
    assert "session=" in cookie and "Secure" not in cookie


def test_lms_secure_cookies_overrides_the_scheme(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_SECURE_COOKIES", "true")
    app = create_app({"SECRET_KEY": "k"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_every_setting_the_code_reads_is_in_the_table() -> None:
    read = set()
    for path in (ROOT / "lms").rglob("*.py"):
        read |= set(re.findall(r"config(?:\.get\(|\[)\"(LMS_[A-Z_]+)\"", path.read_text()))
    keys = {setting.config_key for setting in SETTINGS}
    assert read - NOT_SETTINGS <= keys, read - NOT_SETTINGS - keys


def test_the_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)`", section, flags=re.M))
    assert documented == {setting.name for setting in SETTINGS}


def test_lms_e_loads_an_environment_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lms -e FILE` needs python-dotenv; a bad value is one clear line, exit 2."""
    from click.testing import CliRunner

    from lms.main import main

    env_file = tmp_path / "lms.env"
    env_file.write_text("LMS_SMTP_PORT=not-a-port\n")
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LMS_SMTP_PORT", "25")
    monkeypatch.delenv("LMS_SMTP_PORT")  # restored (to absent) after the test
    result = CliRunner().invoke(main, ["-e", str(env_file), "users", "list"])
    assert result.exit_code == 2, result.output
    assert "lms: LMS_SMTP_PORT: expected a whole number, got 'not-a-port'" in result.output
