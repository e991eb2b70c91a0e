"""Reads run on the driver's cursor (lms.db_reads) give exactly what SQLAlchemy would, on
SQLite and PostgreSQL, and fail the way SQLAlchemy's do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries
from sqlalchemy import event

from lms.auth.models import User
from lms.auth.session_user import _BY_ID
from lms.courses.models import Course, Item
from lms.db import db, utcnow
from lms.db_reads import PreparedRead
from lms.progress import learner_state as state_module
from lms.progress.models import Enrollment, ItemCompletion


def _as_sqlalchemy_reads(read: PreparedRead, params: dict[str, object]) -> list[tuple[object, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(read.statement, params)]


def test_the_user_row_is_what_sqlalchemy_reads(
    app: Flask, make_user: Callable[..., User],
) -> None:
    confirmed = datetime(2026, 3, 1, 12, 30, 15, 250000, tzinfo=UTC)
    user = make_user(email="ana@example.org", language="it")
    user.email_confirmed_at = confirmed
    user.digest_opt_out = True
    user.deleted_at = None
    db.session.commit()
    user_id = user.id
    db.session.remove()

    rows = _BY_ID.rows({"user_id": user_id})
    assert rows == _as_sqlalchemy_reads(_BY_ID, {"user_id": user_id})
    (row,) = rows
    # Times come back UTC-aware and booleans as booleans, on both databases.
    assert row[9] == confirmed and row[9].tzinfo is not None
    assert row[6] is True and row[8] is True and row[7] is None
    assert _BY_ID.rows({"user_id": user_id + 1000}) == []


def test_a_learners_state_is_what_sqlalchemy_reads(
    app: Flask, synced: None, make_user: Callable[..., User],
) -> None:
    learner = make_user()
    course = db.session.scalars(sa.select(Course).order_by(Course.id)).first()
    assert course is not None
    item = db.session.scalars(sa.select(Item).where(Item.course_id == course.id)
                              .order_by(Item.id)).first()
    assert item is not None
    visited = utcnow() - timedelta(minutes=5)
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, release=1,
                              started_at=visited, last_item_id=item.id,
                              last_visited_at=visited))
    db.session.add(ItemCompletion(user_id=learner.id, course_id=course.id, item_id=item.id,
                                  completed_at=visited))
    db.session.commit()
    module_slug = db.session.scalar(sa.text(
        "SELECT slug FROM lms_module WHERE id = :id"), {"id": item.module_id})
    course_slug, item_id, learner_id = course.slug, item.id, learner.id
    db.session.remove()

    params = {"course_slug": course_slug, "module_slug": module_slug, "user_id": learner_id}
    rows = state_module._LEARNER.rows(params)
    assert rows == _as_sqlalchemy_reads(state_module._LEARNER, params)
    assert [row[-1] for row in rows] == [item_id]
    assert rows[0][11] == visited  # last_visited_at, aware
    state = state_module.learner_state(course_slug, module_slug, learner_id)
    assert state is not None and state.enrolled and state.completed == {item_id}
    visitor = {"course_slug": course_slug}
    assert state_module._VISITOR.rows(visitor) == \
        _as_sqlalchemy_reads(state_module._VISITOR, visitor)


def test_inside_a_transaction_the_read_sees_its_uncommitted_rows(
    app: Flask, make_user: Callable[..., User],
) -> None:
    user = make_user(display_name="Before")
    user.display_name = "Changed, not committed"
    db.session.flush()
    (row,) = _BY_ID.rows({"user_id": user.id})
    assert row[3] == "Changed, not committed"
    db.session.rollback()
    (row,) = _BY_ID.rows({"user_id": user.id})
    assert row[3] == "Before"


def test_each_read_is_one_statement_and_is_counted(
    app: Flask, make_user: Callable[..., User],
) -> None:
    user_id = make_user().id
    db.session.remove()
    with count_queries() as statements:
        _BY_ID.rows({"user_id": user_id})
    assert len(statements) == 1 and "lms_user" in statements[0]


def test_a_database_error_is_sqlalchemys_own(app: Flask) -> None:
    missing = sa.table("lms_no_such_table", sa.column("id"))
    read = PreparedRead(sa.select(missing.c.id).where(missing.c.id == sa.bindparam("id")))
    # OperationalError on SQLite, ProgrammingError on PostgreSQL: both DBAPIError, which the
    # error pages and callers know (a bare driver error would be a 500 with no page).
    with pytest.raises(sa.exc.DBAPIError) as raised:
        read.rows({"id": 1})
    assert "lms_no_such_table" in str(raised.value)
    # The connection went back to the pool in a usable state.
    assert db.session.execute(sa.text("SELECT 1")).scalar() == 1


def test_parameters_that_need_converting_are_refused(app: Flask) -> None:
    user = User.__table__
    read = PreparedRead(sa.select(user.c.id).where(
        user.c.deleted_at > sa.bindparam("since", type_=User.__table__.c.deleted_at.type)))
    with pytest.raises(TypeError, match="since"):
        read.rows({"since": utcnow()})


LESSON = "/courses/sample-course/basics/first-lesson/"


def test_a_page_reads_on_one_connection_and_gives_it_back_as_it_came(
    app: Flask, client: FlaskClient, synced: None, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    login(make_user())
    client.get(LESSON)  # enrols; the next view only reads
    checkouts: list[object] = []
    autocommit_at_checkin: list[bool] = []

    def checkout(dbapi_connection: Any, *args: object) -> None:
        checkouts.append(dbapi_connection)

    def checkin(dbapi_connection: Any, *args: object) -> None:
        autocommit_at_checkin.append(bool(getattr(dbapi_connection, "autocommit", False)))

    # The test's own session shares the requests' app context: ended here, so that the
    # page's reads take the driver's path, as in a served request.
    db.session.remove()
    event.listen(db.engine, "checkout", checkout)
    event.listen(db.engine, "checkin", checkin)
    try:
        with count_queries() as statements:
            assert client.get(LESSON).status_code == 200
    finally:
        event.remove(db.engine, "checkout", checkout)
        event.remove(db.engine, "checkin", checkin)
    assert len(statements) == 2  # the user, then the learner's state
    assert len(checkouts) == 1
    # Returned at the request's end, and not left in autocommit mode (PostgreSQL) for
    # whoever takes it from the pool next.
    assert autocommit_at_checkin == [False]
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
