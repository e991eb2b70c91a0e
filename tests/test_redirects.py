"""Every ``next`` target goes through one helper that only follows same-site paths."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from lms.auth.models import User
from lms.urls import safe_next

FALLBACK = "/courses/"

#: Targets a browser would take to another host (or a scheme), once it has removed tabs and
#: newlines, turned backslashes into slashes and dropped leading spaces and control characters.
NASTY = [
    "//evil.example/phish",
    "/\t/evil.example/phish",
    "/%09/evil.example/phish",   # as it arrives when the form field itself was encoded
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "\x00//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "/\\/evil.example/",
    "/%5Cevil.example/",
    "/%2F/evil.example/",
    "/%2f%2fevil.example/",
    "///evil.example/",
    "https://evil.example/",
    "http:/evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "\u202e//evil.example/",
    "/\u200b/evil.example/",
    "/\x7f/evil.example/",
    "",
    None,
]


@pytest.mark.parametrize("target", NASTY)
def test_nasty_targets_fall_back(target: str | None) -> None:
    assert safe_next(target, FALLBACK) == FALLBACK


@pytest.mark.parametrize("target", [
    "/", "/courses/", "/courses/sample-course/?page=2#quiz", "/account/?q=a%20b",
    "/courses/caf%C3%A9/",
])
def test_same_site_paths_are_kept(target: str) -> None:
    assert safe_next(target, FALLBACK) == target


def _browser_view(location: str) -> str:
    """What a browser makes of a Location header before resolving it (WHATWG URL parser)."""
    location = location.strip("".join(chr(c) for c in range(0x21)))
    return location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")


@given(st.one_of(
    st.text(),
    st.text(alphabet="/\\\t\n\r %09aAe.:@x5C2Ff"),
    st.builds(lambda a, b: a + b, st.sampled_from(["/", "//", "/\\", "\\", "/%2F", " /"]),
              st.text()),
))
def test_whatever_comes_out_is_a_same_site_path(target: str) -> None:
    out = safe_next(target, FALLBACK)
    if out == FALLBACK:
        return
    assert out == "/" or (out[0] == "/" and out[1] not in "/\\")
    for seen in (_browser_view(out), _browser_view(unquote(out))):
        parts = urlsplit(seen)
        assert not parts.scheme and not parts.netloc
        assert seen == "/" or (seen[0] == "/" and seen[1] not in "/\\")
    assert not any(c in out for c in "\r\n\t\x00")


#: Sent through the forms (NUL is refused with 400 before any view, see lms/security.py).
WEB_NASTY = [t for t in NASTY[:12] if t and "\x00" not in t]


@pytest.mark.parametrize("target", WEB_NASTY)
def test_login_never_leaves_the_site(client: FlaskClient, make_user: Callable[..., User],
                                     target: str) -> None:
    user = make_user()
    page = client.get("/account/login", query_string={"next": target})
    assert page.status_code == 200
    response = client.post("/account/login", data={
        "login": user.username, "password": "password123", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == FALLBACK


def test_login_follows_a_same_site_next(client: FlaskClient,
                                        make_user: Callable[..., User]) -> None:
    user = make_user()
    response = client.post("/account/login", data={
        "login": user.username, "password": "password123", "next": "/account/"})
    assert response.headers["Location"] == "/account/"


@pytest.mark.parametrize("target", WEB_NASTY)
def test_language_switch_never_leaves_the_site(client: FlaskClient, target: str) -> None:
    response = client.post("/language", data={"language": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == FALLBACK


def test_a_newline_in_next_is_dropped_not_a_500(client: FlaskClient,
                                                make_user: Callable[..., User]) -> None:
    """Browsers drop it too, so what is left is a path on this site (no header splitting)."""
    user = make_user()
    for response in (
        client.post("/account/login", data={"login": user.username, "password": "password123",
                                            "next": "/account/\r\nSet-Cookie: x=1"}),
        client.post("/language", data={"language": "en", "next": "/account/\nSet-Cookie: x=1"}),
    ):
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith("/account/Set-Cookie") and "\n" not in location
        assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
