"""Reading course texts: the language shown, many owners' texts in one query, and the plain
values pages keep of items and modules (cached per worker by content hash)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import load_only

from lms.db import db


def choose_language(available: Iterable[str], wanted: str, default: str) -> str:
    """The wanted language when a text exists in it, else the course's default language."""
    available = set(available)
    if wanted in available:
        return wanted
    return default if default in available or not available else sorted(available)[0]


def texts_by_owner(model: type, owner_column: Any, ids: list[int],
                   columns: tuple[Any, ...] | None = None) -> dict[int, dict[str, Any]]:
    """Text rows of many owners in one query: ``{owner_id: {language: row}}``."""
    query = select(model).where(owner_column.in_(ids))
    if columns:
        query = query.options(load_only(*columns))
    result: dict[int, dict[str, Any]] = defaultdict(dict)
    for text in db.session.scalars(query):
        result[getattr(text, owner_column.key)][text.language] = text
    return result


@dataclass(frozen=True)
class Title:
    title: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class PageText:
    """A course's or module's text as plain values (safe to keep between requests)."""

    language: str
    title: str
    summary: str
    html: str
    teacher_guide_title: str | None = None
    teacher_guide_html: str | None = None
    awaiting_review: bool = False  # a translation no native-speaking educator has reviewed


@dataclass(frozen=True)
class ItemInfo:
    """What pages need of an item, as plain values (safe to keep between requests)."""

    id: int
    course_id: int
    module_id: int
    slug: str
    kind: str
    estimated_minutes: int
    content_hash: str  # the item's current content (see OutlineItem.content_hash)
    required: bool


@dataclass(frozen=True)
class ModuleInfo:
    id: int
    slug: str
    position: int


# Texts only change when a course's content hash changes, so each worker process keeps
# them, keyed by that hash: a lesson page then costs no text queries but its own body.
_TEXT_CACHE: dict[tuple[Any, ...], Any] = {}
_TEXT_CACHE_SIZE = 4096


def worker_cached(key: tuple[Any, ...], load: Any) -> Any:
    """``load()``, kept in this worker under ``key`` (a key must name an immutable version)."""
    if key not in _TEXT_CACHE:
        if len(_TEXT_CACHE) >= _TEXT_CACHE_SIZE:
            _TEXT_CACHE.clear()
        _TEXT_CACHE[key] = load()
    return _TEXT_CACHE[key]
