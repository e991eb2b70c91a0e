"""The reads every page view makes, run on the database driver's cursor.

Every signed-in request reads the user, and a lesson page reads the learner's state: two
small SELECTs whose database time is a few microseconds each. Through a SQLAlchemy
``Connection`` each cost about 30 µs more (execution context, result metadata, transaction
bookkeeping), which was a sixth of a cached lesson page. A :class:`PreparedRead` compiles its
statement once per dialect with SQLAlchemy and then runs the SQL text on a pooled driver
connection itself, converting the results with the same result processors SQLAlchemy would
apply (times come back UTC-aware, booleans as booleans). ``tests/test_db_reads.py`` checks
that the rows are equal to SQLAlchemy's own on SQLite and PostgreSQL.

During a request, all reads share one pooled connection, returned at the request's end: one
checkout (and on PostgreSQL one pre-ping) per request rather than per read. On PostgreSQL
the reads run in autocommit mode, which spares a BEGIN and a ROLLBACK round trip each; the
connection goes back to the pool as it came.

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

from flask import Flask, g, has_request_context
from sqlalchemy import Select
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

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
        in_request = has_request_context()
        connection = _request_connection(engine) if in_request else _checkout(engine)
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
            if in_request:
                release()
            raise DBAPIError.instance(compiled.sql, arguments, error,
                                      dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost, dialect=dialect) from error
        finally:
            if not in_request:
                _check_in(engine, connection)
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


#: Drivers whose connections read in autocommit mode: no BEGIN and no ROLLBACK round trip
#: around each read (as SQLAlchemy's own pre-ping does on them). SQLite's driver opens no
#: transaction for a SELECT anyway.
AUTOCOMMIT_DRIVERS = frozenset({"psycopg", "psycopg2"})
_HELD = "_lms_read_connection"


def _checkout(engine: Engine) -> PoolProxiedConnection:
    dialect = engine.dialect
    try:
        connection = engine.raw_connection()
    except dialect.loaded_dbapi.Error as error:  # the database cannot be reached at all
        raise DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from error
    if engine.dialect.driver in AUTOCOMMIT_DRIVERS:
        connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
    return connection


def _check_in(engine: Engine, connection: PoolProxiedConnection) -> None:
    """Back to the pool as the pool hands connections to everyone else (not autocommit)."""
    dbapi_connection = connection.dbapi_connection  # None once invalidated
    if engine.dialect.driver in AUTOCOMMIT_DRIVERS and dbapi_connection is not None \
            and not dbapi_connection.closed:
        dbapi_connection.autocommit = False
    connection.close()


def _request_connection(engine: Engine) -> PoolProxiedConnection:
    """One pooled connection for all of a request's reads (two on a lesson page): one
    checkout, and on PostgreSQL one pre-ping, per request instead of per read."""
    held = g.get(_HELD)
    if held is None or held[0] is not engine:
        if held is not None:
            release()
        held = (engine, _checkout(engine))
        setattr(g, _HELD, held)
    return held[1]  # type: ignore[no-any-return]


def release(_error: BaseException | None = None) -> None:
    """Return the request's read connection to the pool (at the request's teardown)."""
    held = g.pop(_HELD, None)
    if held is not None:
        _check_in(*held)


def init_app(app: Flask) -> None:
    app.teardown_request(release)
