"""The reads every page view makes, run on the database driver's cursor.

Every signed-in request reads the user, and a lesson page reads the learner's state: two
small SELECTs whose database time is a few microseconds each. Through a SQLAlchemy
``Connection`` each cost about 30 µs more (execution context, result metadata, transaction
bookkeeping), which was a sixth of a cached lesson page. A :class:`PreparedRead` compiles its
statement once per dialect with SQLAlchemy and then runs the SQL text on a pooled driver
connection itself, converting the results with the same result processors SQLAlchemy would
apply (times come back UTC-aware, booleans as booleans). ``tests/test_db_reads.py`` checks
that the rows are equal to SQLAlchemy's own on SQLite and PostgreSQL.

Inside a transaction the ORM session already has, the read goes through the session, so it
sees that transaction's own uncommitted rows. Driver errors are raised as SQLAlchemy's
(``OperationalError`` and the rest), so the "database unavailable" page still shows, and a
connection the server dropped is thrown out of the pool rather than handed out again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from lms.db import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # the parameters' order, for positional paramstyles
    processors: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, params: dict[str, Any]) -> Any:
        if self.positions is None:
            return params
        return tuple(params[name] for name in self.positions)


class PreparedRead:
    """A Core SELECT with bound parameters, run on the driver's cursor (see the module)."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def rows(self, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The statement's rows for ``params`` (every bound parameter by name)."""
        if db.session.registry.has() and db.session().in_transaction():
            return [tuple(row) for row in db.session.execute(self.statement, params)]
        engine = db.engine
        dialect = engine.dialect
        compiled = self._compiled.get(dialect) or self._compile(dialect)
        arguments = compiled.parameters(params)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %r", compiled.sql, arguments)
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(compiled.sql, arguments)
                found: Sequence[Sequence[Any]] = cursor.fetchall()
            finally:
                cursor.close()
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, connection.dbapi_connection, None)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(compiled.sql, arguments, error,
                                      dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost, dialect=dialect) from error
        finally:
            connection.close()
        processors = compiled.processors
        if not any(processors):
            return [tuple(row) for row in found]
        return [tuple(value if process is None else process(value)
                      for process, value in zip(processors, row, strict=True))
                for row in found]

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            # Parameters are passed to the driver as they come: a type that converts them
            # (an enum, a JSON document, a time) needs SQLAlchemy's execution instead.
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise TypeError(f"PreparedRead cannot pass {bind.key!r} ({bind.type}) as is")
        positions = tuple(compiled.positiontup or ()) if dialect.positional else None
        processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                           for column in self.statement.selected_columns)
        prepared = _Compiled(str(compiled), positions, processors)
        self._compiled[dialect] = prepared
        return prepared
