"""Text responses are compressed with brotli or gzip, as the browser asks; nothing else changes."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

GZIP = {"Accept-Encoding": "gzip, deflate"}
BROTLI = {"Accept-Encoding": "gzip, deflate, br"}
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}
LESSON = "/courses/sample-course/basics/first-lesson/"


@pytest.mark.parametrize(("headers", "encoding"), [(GZIP, "gzip"), (BROTLI, "br")])
def test_pages_and_css_are_compressed(client: FlaskClient, synced: None, headers: dict,
                                      encoding: str) -> None:
    page = client.get("/courses/", headers=headers)
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"]
    html = DECODE[encoding](page.data).decode()
    assert html.startswith("<!doctype html>")
    plain = client.get("/courses/")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert len(page.data) < len(plain.data) / 2

    with client.get("/static/lms/style.css", headers=headers) as css:
        assert css.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in css.headers["Vary"]
        assert b":root" in DECODE[encoding](css.data)
        etag = css.headers["ETag"]
    with client.get("/static/lms/style.css", headers={**headers, "If-None-Match": etag}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize(("headers", "encoding"), [(GZIP, "gzip"), (BROTLI, "br")])
def test_a_lesson_first_load_stays_under_50_kb(
        client: FlaskClient, synced: None, make_user: Callable, login: Callable,
        headers: dict, encoding: str) -> None:
    """The lesson page and what its layout loads (style sheet, icon) weigh under 50 KB on the
    wire for a logged-in learner; lesson images aside (they load lazily)."""
    login(make_user())
    lesson = client.get(LESSON, headers=headers)
    assert lesson.status_code == 200 and lesson.headers["Content-Encoding"] == encoding
    html = DECODE[encoding](lesson.data).decode()
    total, sizes = len(lesson.data), {LESSON: len(lesson.data)}
    for url in re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"', html):
        with client.get(url.replace("&amp;", "&"), headers=headers) as response:
            assert response.status_code == 200, url
            sizes[url] = len(response.data)
            total += len(response.data)
    assert len(sizes) >= 3, sizes  # the page, its style sheet and its icon
    assert total <= 50 * 1024, sizes


def test_static_files_are_compressed_once(client: FlaskClient,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from flask_compress import flask_compress

    calls: list[str] = []
    original = flask_compress._compress_data

    def counting(app: Flask, data: bytes, algorithm: str) -> bytes:
        calls.append(algorithm)
        return original(app, data, algorithm)

    monkeypatch.setattr(flask_compress, "_compress_data", counting)
    for _ in range(3):
        for headers in (GZIP, BROTLI):
            with client.get("/static/lms/style.css", headers=headers) as css:
                assert css.status_code == 200
    assert sorted(calls) == ["br", "gzip"]
    for _ in range(2):  # pages differ per visitor: compressed on every request
        client.get("/account/login", headers=GZIP)
    assert sorted(calls) == ["br", "gzip", "gzip", "gzip"]


def test_error_pages_keep_vary_and_small_answers_are_not_compressed(
        client: FlaskClient) -> None:
    missing = client.get("/no-such-page", headers=BROTLI)
    assert missing.status_code == 404 and "Accept-Encoding" in missing.headers["Vary"]
    health = client.get("/healthz", headers=BROTLI)
    assert "Content-Encoding" not in health.headers and health.json["status"] == "ok"


def test_compression_can_be_left_to_the_proxy(app: Flask, client: FlaskClient) -> None:
    app.config["LMS_COMPRESS"] = False
    assert "Content-Encoding" not in client.get("/account/login", headers=BROTLI).headers


def test_mounted_lms_compresses_its_pages_once_and_leaves_the_hosts_alone(
        tmp_path: Path) -> None:
    """A host with its own Flask-Compress: LMS pages are compressed once (never twice), the
    host's pages only by the host, and a host without one gets nothing from the LMS."""
    from flask_compress import Compress

    from lms import LMS
    from lms.db import db, init_migrations
    from tests.conftest import IsolatedClient

    for host_compresses in (True, False):
        host = Flask("host", instance_path=str(tmp_path / "instance"))
        if host_compresses:
            Compress(host)

        @host.get("/")
        def host_home() -> str:
            return "the host's own home page " * 100

        LMS(host, url_prefix="/learn", config={
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "host.sqlite3"),
        })
        host.test_client_class = IsolatedClient
        with host.app_context():
            from flask_migrate import upgrade

            init_migrations(host)
            upgrade()
            client = host.test_client()
            page = client.get("/learn/account/login", headers=BROTLI)
            assert page.headers["Content-Encoding"] == "br"
            assert brotli.decompress(page.data).decode().startswith("<!doctype html>")
            assert page.headers["Vary"].count("Accept-Encoding") == 1
            home = client.get("/", headers=BROTLI)
            if host_compresses:
                assert brotli.decompress(home.data).decode().startswith("the host's")
            else:
                assert "Content-Encoding" not in home.headers
                assert "Accept-Encoding" not in home.headers.get("Vary", "")
            db.session.remove()
            db.engine.dispose()


def test_favicon_exists(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    with client.get(response.headers["Location"]) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert len(icon.data) < 1024
