"""Rendered lesson pages kept per worker, under a key that holds everything they show.

A lesson page differs between two views only through what :func:`page_key` names: the
course's content and sync, the release the learner follows, the item and its content, the
page's language, whether someone is signed in and their role (the header's navigation),
whether this learner completed the item, and the address (the language switch returns to
it). The key is built from the page's one query (:mod:`lms.progress.learner_state`), so a
completion shows on the very next view. Nothing else a template reads varies: the lesson
page shows no name, no score, no date.

Never cached: pages with a quiz (an attempt of the learner's own), pages with flashed
messages (shown once), re-shown forms, courses never released (rows made by hand change
without a sync), the debug server (templates and static files change under it), and
everything when ``LMS_PAGE_CACHE`` is off (a host whose own ``lms/base.html`` shows per-user
data must turn it off). CSRF tokens are rendered as a placeholder and filled in for each
request.

Bound: per worker and app, at most :data:`MAX_PAGES` pages and :data:`MAX_CHARACTERS`
characters in all (about 16 MB: the pages are mostly ASCII), least recently used dropped
first; a lesson page is 10–40 KB, so a worker keeps some 500 page variants.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, session
from flask_login import current_user
from markupsafe import escape

from lms.layout import CSRF_PLACEHOLDER, csrf_token

MAX_PAGES = 512
MAX_CHARACTERS = 16 * 1024 * 1024


class PageCache:
    """A bounded LRU of rendered pages (one per app, in ``extensions["lms"].page_parts``)."""

    def __init__(self, max_pages: int = MAX_PAGES, max_characters: int = MAX_CHARACTERS) -> None:
        self.max_pages, self.max_characters = max_pages, max_characters
        self.pages: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self.characters = 0
        # Threaded servers (the development server, gthread workers) share one cache.
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> str | None:
        with self._lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple[Any, ...], page: str) -> None:
        if len(page) > self.max_characters:
            return
        with self._lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.characters -= len(old)
            self.pages[key] = page
            self.characters += len(page)
            while len(self.pages) > self.max_pages or self.characters > self.max_characters:
                _, dropped = self.pages.popitem(last=False)
                self.characters -= len(dropped)


def page_cache() -> PageCache:
    parts: dict[str, Any] = current_app.extensions["lms"].page_parts
    cache = parts.get("lesson_pages")
    if cache is None:
        cache = parts["lesson_pages"] = PageCache()
    return cache  # type: ignore[no-any-return]


def cacheable() -> bool:
    """Whether this request's page may come from (and go into) the cache at all."""
    return bool(current_app.config.get("LMS_PAGE_CACHE", True)) and not current_app.debug \
        and not session.get("_flashes")


def page_key(state: Any, entry: Any, language: str) -> tuple[Any, ...]:
    """Everything a lesson page shows depends on (see the module's docstring)."""
    course = state.course
    signed_in = bool(current_user and current_user.is_authenticated)
    return (
        course.id, course.content_hash, course.synced_at, course.current_release,
        state.release, entry.item.id, entry.content_hash, entry.complete,
        language, signed_in, getattr(current_user, "role", None) if signed_in else None,
        request.script_root, request.path, request.query_string,
    )


def cached_page(key: tuple[Any, ...], render: Callable[[], str]) -> str:
    """The page under ``key``, rendered (CSRF tokens as placeholders) when not kept yet,
    with this request's CSRF token filled in."""
    cache = page_cache()
    page = cache.get(key)
    if page is None:
        g.lms_csrf_placeholder = True
        try:
            page = render()
        finally:
            g.lms_csrf_placeholder = False
        # A template that asked Flask-WTF itself (a form's ``csrf_token`` field) put this
        # session's real token in the page: such a page is never kept.
        field = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        token = g.get(field)
        if not (token and str(token) in page):
            cache.put(key, page)
    if CSRF_PLACEHOLDER not in page:
        return page
    return page.replace(CSRF_PLACEHOLDER, str(escape(csrf_token())))
