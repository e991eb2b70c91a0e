"""The learner pages run a fixed number of SQL queries, however big the site grows.

No timing here (benchmarks/ measures speed); only the query count, which is what turns a
fast page into a slow one as courses, lessons and learners are added.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries
from sqlalchemy import insert, select

from lms.auth.models import User
from lms.courses.models import Item
from lms.db import db, utcnow
from lms.progress.models import Enrollment, ItemCompletion

SHIPPED_COURSES = Path(__file__).resolve().parent.parent / "courses"
LESSON = "/courses/sample-course/basics/first-lesson/"




def queries_for(client: FlaskClient, url: str) -> int:
    client.get(url)  # the first visit enrols the learner; count a steady-state page view
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(statements)


def grow(app: Flask, learner: User) -> None:
    """Add the three shipped courses (dozens of lessons) and 50 learners with progress."""
    from lms.courses.sync import load_packages, sync_courses

    state = app.extensions["lms"]
    specs, problems = load_packages([*state.course_dirs, SHIPPED_COURSES],
                                    question_types=state.question_types)
    assert not [p for p in problems if p.is_error]
    sync_courses(specs, now=utcnow())
    items = db.session.execute(select(Item.id, Item.course_id)).all()
    hashed = db.session.get(User, learner.id).password_hash
    db.session.execute(insert(User), [
        dict(username=f"extra{n}", display_name=f"Extra {n}", password_hash=hashed,
             role="student") for n in range(50)])
    ids = list(db.session.scalars(select(User.id).where(User.username.like("extra%"))))
    now = utcnow()
    db.session.execute(insert(ItemCompletion), [
        dict(user_id=uid, item_id=item_id, course_id=course_id, completed_at=now)
        for uid in [*ids, learner.id] for item_id, course_id in items])
    db.session.execute(insert(Enrollment), [
        dict(user_id=uid, course_id=course_id, started_at=now, last_visited_at=now)
        for uid in ids for course_id in {course_id for _, course_id in items}])
    db.session.commit()


def test_lesson_and_catalogue_queries_do_not_grow(
    app: Flask, client: FlaskClient, synced: None, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    learner = make_user()
    login(learner)
    before = {url: queries_for(client, url) for url in (LESSON, "/courses/")}
    grow(app, learner)
    after = {url: queries_for(client, url) for url in (LESSON, "/courses/")}
    assert after == before
    # A lesson page: session user, course, outline (modules, items, texts, progress,
    # enrolment, quiz scores), the lesson's text, and recording the visit.
    assert before[LESSON] <= 14


def test_anonymous_catalogue_queries_do_not_grow(
    app: Flask, client: FlaskClient, synced: None, make_user: Callable[..., User],
) -> None:
    before = queries_for(client, "/courses/")
    grow(app, make_user())
    assert queries_for(client, "/courses/") == before
    assert before <= 4


def test_a_lesson_read_again_costs_two_queries(
    client: FlaskClient, synced: None, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    login(make_user())
    client.get(LESSON)  # texts now kept by this worker, the visit recorded
    with count_queries() as statements:
        assert client.get(LESSON).status_code == 200
    # The session's user, then one query for the course, the enrolment and the completed
    # items of the module: nothing else (no outline, no text, no quiz scores, no write for a
    # reload within the minute).
    assert len(statements) == 2, statements


def _complete(user_id: int, items: list[tuple[int, int]]) -> None:
    now = utcnow()
    db.session.execute(insert(ItemCompletion), [
        dict(user_id=user_id, item_id=item_id, course_id=course_id, completed_at=now)
        for item_id, course_id in items])
    db.session.commit()


def test_lesson_queries_are_the_same_for_1_and_30_completed_items(
    app: Flask, client: FlaskClient, synced: None, make_user: Callable[..., User],
    login: Callable[[User], None],
) -> None:
    from lms.courses.models import Module

    learner = make_user()
    login(learner)
    grow(app, make_user())  # the shipped courses too: dozens of items to complete
    lesson = db.session.execute(
        select(Item.id, Item.course_id, Item.slug, Module.slug).join(Module)
        .where(Item.kind == "lesson").order_by(Item.course_id, Module.position, Item.position)
    ).first()
    from lms.courses.models import Course

    slug = db.session.scalar(select(Course.slug).where(Course.id == lesson[1]))
    url = f"/courses/{slug}/{lesson[3]}/{lesson[2]}/"
    _complete(learner.id, [(lesson[0], lesson[1])])
    one = queries_for(client, url)
    assert "You have completed this page." in client.get(url).text
    others = db.session.execute(select(Item.id, Item.course_id).where(
        Item.id != lesson[0]).limit(29)).all()
    assert len(others) == 29
    _complete(learner.id, [(item_id, course_id) for item_id, course_id in others])
    thirty = queries_for(client, url)
    assert one == thirty == 2
    assert "You have completed this page." in client.get(url).text
