"""The full text of one item (body, objectives, questions) at one content hash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lms.courses.lookup import ItemInfo, choose_language, worker_cached
from lms.courses.models import Course, Item, ItemText
from lms.db import db


def item_texts(item_id: int, content_hash: str) -> dict[str, ItemText]:
    """Every language of one item at one content hash."""
    return {text.language: text for text in db.session.scalars(
        select(ItemText).where(ItemText.item_id == item_id,
                               ItemText.content_hash == content_hash))}


@dataclass(frozen=True)
class ItemBody:
    """What an item page shows of one item's text: shared between requests, never changed."""

    language: str
    title: str
    objectives: tuple[str, ...]
    html: str
    questions: tuple[dict[str, Any], ...] | None
    awaiting_review: bool = False  # a translation no native-speaking educator has reviewed


def item_body(item: Item | ItemInfo, language: str, course: Course,
              content_hash: str) -> ItemBody:
    """The page text of one item at ``content_hash``, kept per worker.

    The text at a content hash only changes when the course is synced again with
    ``--rerender`` (which moves ``synced_at``), so it is loaded once, not on every page view.
    """
    def load() -> dict[str, ItemBody]:
        texts = item_texts(item.id, content_hash) or item_texts(item.id, item.content_hash)
        return {code: ItemBody(text.language, text.title, tuple(text.objectives or ()),
                               text.html or "",
                               tuple(text.questions) if text.questions is not None else None,
                               bool(text.awaiting_review))
                for code, text in texts.items()}

    bodies = worker_cached(("body", item.id, content_hash, course.synced_at), load)
    return bodies[choose_language(bodies, language, course.default_language)]

