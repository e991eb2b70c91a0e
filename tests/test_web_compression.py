"""Text responses are gzipped for browsers that accept it; nothing else changes."""

from __future__ import annotations

import gzip

from flask import Flask
from flask.testing import FlaskClient

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_pages_and_css_are_gzipped(client: FlaskClient, synced: None) -> None:
    page = client.get("/courses/", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    html = gzip.decompress(page.data).decode()
    assert html.startswith("<!doctype html>")
    plain = client.get("/courses/")
    assert "Content-Encoding" not in plain.headers
    assert len(page.data) < len(plain.data) / 2

    with client.get("/static/lms/style.css", headers=GZIP) as css:
        assert css.headers["Content-Encoding"] == "gzip"
        assert b":root" in gzip.decompress(css.data)
        etag = css.headers["ETag"]
    assert etag.startswith("W/")
    with client.get("/static/lms/style.css", headers={**GZIP, "If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_error_pages_compress_too_and_small_answers_do_not(client: FlaskClient) -> None:
    missing = client.get("/no-such-page", headers=GZIP)
    assert missing.status_code == 404 and missing.headers["Content-Encoding"] == "gzip"
    health = client.get("/healthz", headers=GZIP)
    assert "Content-Encoding" not in health.headers and health.json["status"] == "ok"


def test_compression_can_be_left_to_the_proxy(app: Flask, client: FlaskClient) -> None:
    app.config["LMS_COMPRESS"] = False
    assert "Content-Encoding" not in client.get("/account/login", headers=GZIP).headers


def test_favicon_exists(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    with client.get(response.headers["Location"]) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert len(icon.data) < 1024
