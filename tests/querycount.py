"""Counting the SQL statements a block of code sends, for tests that pin a query count."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from lms.db import db
from lms.db_reads import log as reads_log


class _Reads(logging.Handler):
    """The statements :mod:`lms.db_reads` runs on the driver's cursor (logged at DEBUG)."""

    def __init__(self, statements: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.statements = statements

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(str(record.args[0]))  # type: ignore[index]


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The statements sent to the database inside the ``with`` block, in order."""
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    reads = _Reads(statements)
    level = reads_log.level
    event.listen(db.engine, "before_cursor_execute", record)
    reads_log.addHandler(reads)
    reads_log.setLevel(logging.DEBUG)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        reads_log.removeHandler(reads)
        reads_log.setLevel(level)
