"""The lesson page cache (lms.learning.page_cache): a cached page is byte for byte the page an
uncached render gives the same request, whoever filled the cache before."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import layout
from lms.auth.models import User
from lms.learning.page_cache import PageCache

LESSON = "/courses/sample-course/basics/first-lesson/"
QUIZ_LESSON = "/courses/sample-course/going-further/with-a-quiz/"
DONE = "You have completed this page."


@pytest.fixture(autouse=True)
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """One signed CSRF token per session for the whole test (reused within the minute), so
    a cached and an uncached render of one request can be compared byte for byte."""
    monkeypatch.setattr(layout.time, "monotonic", lambda: 1000.0)


@pytest.fixture
def clients(app: Flask) -> Iterator[Callable[[User], FlaskClient]]:
    def signed_in(user: User) -> FlaskClient:
        client = app.test_client()
        response = client.post("/account/login", data={"login": user.username,
                                                       "password": "password123"})
        assert response.status_code == 302
        return client

    yield signed_in


def cache(app: Flask) -> PageCache:
    return app.extensions["lms"].page_parts["lesson_pages"]  # type: ignore[no-any-return]


def uncached(app: Flask, client: FlaskClient, url: str) -> str:
    app.config["LMS_PAGE_CACHE"] = False
    try:
        return client.get(url).text
    finally:
        app.config["LMS_PAGE_CACHE"] = True


def test_no_byte_of_one_learners_page_reaches_another(
    app: Flask, synced: None, make_user: Callable[..., User],
    clients: Callable[[User], FlaskClient],
) -> None:
    zelda = make_user(display_name="Zelda Quixotic-Amberwood", language="en")
    # Each differs from Zelda in one way: name only (shares her cache entry), language only,
    # role only, progress only; Yannick in everything.
    xavier = make_user(display_name="Xavier Plumtree-Holloway", language="en")
    wanda = make_user(display_name="Wanda Marchetti-Lowell", language="it")
    tara = make_user(role="teacher", display_name="Tara Okonkwo-Lindqvist", language="en")
    uma = make_user(display_name="Uma Fairweather-Koss", language="en")
    yannick = make_user(role="teacher", display_name="Yannick Brightwater-Oslo", language="it")
    people = {"zelda": zelda, "xavier": xavier, "wanda": wanda, "tara": tara, "uma": uma,
              "yannick": yannick}
    clients_of = {name: clients(user) for name, user in people.items()}
    clients_of["visitor"] = app.test_client()
    for name in ("zelda", "xavier", "wanda", "tara"):  # Uma and Yannick have not
        clients_of[name].post(LESSON + "complete")
        clients_of[name].get("/courses/")  # shows (and so ends) the "marked as complete" message

    pages = {}
    for name, client in clients_of.items():
        pages[name] = client.get(LESSON).text  # Zelda fills an entry, a hit for Xavier
        assert client.get(LESSON).text == pages[name]  # a hit
        assert uncached(app, client, LESSON) == pages[name], name
    assert len(cache(app).pages) == 6  # Zelda and Xavier share one page
    for name, page in pages.items():
        for user in people.values():
            assert user.display_name not in page, (name, user.display_name)
        assert "\x1f" not in page  # no placeholder left
    assert [name for name, page in pages.items() if '<p class="badge done">' in page] == [
        "zelda", "xavier", "wanda", "tara"]
    assert [name for name, page in pages.items() if '<html lang="it"' in page] == [
        "wanda", "yannick"]
    assert [name for name, page in pages.items() if 'href="/teach/classes/"' in page] == [
        "tara", "yannick"]
    assert "Log in to save your progress" in pages["visitor"]
    # Each session's own CSRF token, never the one the page was first rendered with.
    tokens = {name: set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
              for name, page in pages.items()}
    assert all(len(found) == 1 for found in tokens.values())
    assert len({token for found in tokens.values() for token in found}) == len(tokens)


def test_a_completion_shows_on_the_next_view(
    app: Flask, synced: None, make_user: Callable[..., User],
    clients: Callable[[User], FlaskClient],
) -> None:
    client = clients(make_user())
    assert DONE not in client.get(LESSON).text
    assert DONE not in client.get(LESSON).text  # now from the cache
    client.post(LESSON + "complete")
    page = client.get(LESSON).text
    assert DONE in page and "Lesson marked as complete." in page  # the flash: not kept
    assert DONE in client.get(LESSON).text


def test_pages_with_flashed_messages_or_a_quiz_are_never_kept(
    app: Flask, synced: None, make_user: Callable[..., User],
    clients: Callable[[User], FlaskClient],
) -> None:
    client = clients(make_user())
    message = "A message flashed for this learner alone"
    with client.session_transaction() as session:
        session["_flashes"] = [("success", message)]
    assert message in client.get(LESSON).text
    assert message not in client.get(LESSON).text  # shown once
    assert not any(message in page for page in cache(app).pages.values())
    client.get(QUIZ_LESSON)
    client.get(QUIZ_LESSON)
    assert len(cache(app).pages) == 1  # the plain lesson only


def test_the_address_is_part_of_the_key(
    app: Flask, synced: None,
) -> None:
    client = app.test_client()
    page = client.get(LESSON + "?from=catalogue").text
    assert f'name="next" value="{LESSON}?from=catalogue"' in page
    assert f'name="next" value="{LESSON}"' in client.get(LESSON).text


def test_the_cache_is_bounded_by_pages_and_characters() -> None:
    pages = PageCache(max_pages=3, max_characters=100)
    for n in range(5):
        pages.put(("page", n), "x" * 10)
    assert list(pages.pages) == [("page", 2), ("page", 3), ("page", 4)]
    assert pages.get(("page", 2)) is not None  # now the most recently used
    pages.put(("big",), "y" * 85)
    assert list(pages.pages) == [("page", 2), ("big",)]
    assert pages.characters == 95
    pages.put(("huge",), "z" * 101)  # larger than the whole cache: not kept
    assert ("huge",) not in pages.pages and pages.characters == 95


def test_a_page_holding_a_real_csrf_token_is_never_kept(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    from lms.learning.page_cache import cached_page, page_cache

    with app.test_request_context("/"):
        page = cached_page(("key",), lambda: f"<input value='{generate_csrf()}'>")
        assert generate_csrf() in page
        assert ("key",) not in page_cache().pages
        cached_page(("other",), lambda: "<p>no token</p>")
        assert ("other",) in page_cache().pages
