"""Fingerprinted static URLs: the page links them, and they are cached for a year."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_stylesheet_url_carries_a_fingerprint_and_is_cached_long(client: FlaskClient) -> None:
    page = client.get("/courses/").text
    match = re.search(r'href="(/static/lms/style\.css\?v=[0-9a-f]{12})"', page)
    assert match, "the layout links the stylesheet by a fingerprinted URL"
    with client.get(match.group(1)) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public


def test_plain_static_url_keeps_revalidation(client: FlaskClient) -> None:
    with client.get("/static/lms/style.css") as response:
        assert response.status_code == 200
        assert not response.cache_control.immutable


def test_static_urls_are_worked_out_once_per_mount_point(client: FlaskClient) -> None:
    plain = client.get("/courses/").text
    mounted = client.get("/courses/", base_url="http://localhost/learn/").text
    assert re.search(r'href="/static/lms/style\.css\?v=', plain)
    assert re.search(r'href="/learn/static/lms/style\.css\?v=', mounted)
    assert re.search(r'href="/static/lms/style\.css\?v=', client.get("/courses/").text)
