"""Counting the SQL statements a block of code sends, for tests that pin a query count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from lms.db import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The statements sent to the database inside the ``with`` block, in order."""
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
