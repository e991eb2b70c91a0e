"""What a learner does: browse, read, mark complete, see progress, come back later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.auth.models import User

LESSON = "/courses/sample-course/basics/first-lesson/"


@pytest.fixture
def learner(make_user: Callable[..., User], login: Callable[[User], None], synced: None) -> User:
    user = make_user()
    login(user)
    return user


def test_catalogue_lists_courses_and_filters(client: FlaskClient, synced: None) -> None:
    page = client.get("/courses/")
    assert page.status_code == 200 and "Sample course" in page.text
    assert "Sample course" in client.get("/courses/?topic=fair-trade").text
    assert "Sample course" not in client.get("/courses/?topic=ethical-finance").text
    assert "Sample course" in client.get("/courses/?language=it").text
    assert "No course matches" in client.get("/courses/?language=ar").text
    assert client.get("/courses/?topic=<script>").status_code == 200
    assert client.get("/").headers["Location"] == "/courses/"


def test_course_page_shows_modules_lessons_and_time(client: FlaskClient, synced: None) -> None:
    page = client.get("/courses/sample-course/")
    assert page.status_code == 200
    assert page.text.count("<h1>") == 1
    assert "Follow the money" in page.text and "10 min" in page.text
    assert "Start the course" in page.text


def test_lesson_page_renders_markdown_and_navigation(client: FlaskClient, synced: None) -> None:
    page = client.get(LESSON)
    assert page.status_code == 200
    assert "<table tabindex=\"0\">" in page.text and "Who earns what" in page.text
    assert 'src="../../media/01-basics/chain.svg"' in page.text
    assert "Name the links of a supply chain" in page.text
    assert 'rel="next"' in page.text
    assert "Log in to save your progress" in page.text


def test_relative_images_are_served_from_the_package(client: FlaskClient, synced: None) -> None:
    with client.get("/courses/sample-course/media/01-basics/chain.svg") as image:
        assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert client.get("/courses/sample-course/media/../course.md").status_code == 404
    assert client.get(
        "/courses/sample-course/media/01-basics/01-first-lesson.md").status_code == 404
    assert client.get(
        "/courses/sample-course/media/%2e%2e/%2e%2e/etc/passwd.png").status_code == 404


def test_mark_complete_updates_progress_and_continue(client: FlaskClient, learner: User) -> None:
    assert "Start the course" in client.get("/courses/sample-course/").text
    response = client.post(LESSON + "complete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/sample-course/basics/check/"
    course = client.get("/courses/sample-course/")
    assert "% of the course done" in course.text
    assert "Continue: <bdi>Check your understanding</bdi>" in course.text
    # every lesson is done: only the quiz is named, not "0 lessons left"
    assert "quiz not taken yet" in course.text and "lessons left" not in course.text
    catalogue = client.get("/courses/")
    assert "Continue where you left off" in catalogue.text
    assert 'href="/courses/sample-course/basics/first-lesson/"' in catalogue.text
    assert "You have completed this page." in client.get(LESSON).text


def test_marking_twice_records_once(client: FlaskClient, learner: User, app: Flask) -> None:
    from sqlalchemy import func, select

    from lms.db import db
    from lms.progress.models import ItemCompletion

    client.post(LESSON + "complete")
    client.post(LESSON + "complete")
    assert db.session.scalar(select(func.count(ItemCompletion.id))) == 1


def test_quizzes_cannot_be_marked_complete_by_button(client: FlaskClient, learner: User) -> None:
    assert client.post("/courses/sample-course/basics/check/complete").status_code == 400


def test_anonymous_complete_asks_to_log_in(client: FlaskClient, synced: None) -> None:
    response = client.post(LESSON + "complete")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("url", [
    "/courses/nope/", "/courses/sample-course/basics/nope/", "/courses/sample-course/nope/x/",
    "/nowhere", "/courses/nope/media/x.svg",
])
def test_unknown_urls_get_a_404_page_in_the_layout(client: FlaskClient, synced: None,
                                                   url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert 'class="skip-link"' in response.text


def test_italian_learner_reads_italian_with_fallback_notice(client: FlaskClient,
                                                           synced: None) -> None:
    headers = {"Accept-Language": "it-IT,it;q=0.9"}
    translated = client.get(LESSON, headers=headers)
    assert '<html lang="it"' in translated.text
    assert "not translated" not in translated.text
    fallback = client.get("/courses/sample-course/going-further/with-a-quiz/", headers=headers)
    assert 'lang="en"' in fallback.text


def test_course_removed_from_disk_keeps_progress_and_says_gone(
    client: FlaskClient, learner: User, app: Flask
) -> None:
    from sqlalchemy import func, select

    from lms.courses.sync import sync_courses
    from lms.db import db, utcnow
    from lms.progress.models import ItemCompletion

    client.post(LESSON + "complete")
    report = sync_courses([], now=utcnow())
    assert report.withdrawn == ["sample-course"]
    gone = client.get(LESSON)
    assert gone.status_code == 410
    assert "Sample course" not in client.get("/courses/").text
    assert db.session.scalar(select(func.count(ItemCompletion.id))) == 1


def test_teacher_guide_page(client: FlaskClient, synced: None) -> None:
    page = client.get("/courses/sample-course/teacher-guide/")
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    assert "/courses/sample-course/teacher-guide/" in client.get("/courses/sample-course/").text


def test_language_switch_remembers_choice(client: FlaskClient, synced: None) -> None:
    response = client.post("/language", data={"language": "it", "next": "/courses/"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses/"
    assert '<html lang="it"' in client.get("/courses/").text
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    evil = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert evil.headers["Location"] == "/courses/"


def test_reloading_a_page_writes_nothing_but_moving_on_is_remembered(
        client: FlaskClient, learner: User) -> None:
    from datetime import timedelta

    from sqlalchemy import select, update

    from lms.db import db
    from lms.progress.models import Enrollment

    def remembered() -> tuple[int | None, Any]:
        db.session.expire_all()
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
        assert enrollment is not None
        return enrollment.last_item_id, enrollment.last_visited_at

    client.get(LESSON)
    first = remembered()
    client.get(LESSON)
    assert remembered() == first  # a reload within the minute: no write
    client.get("/courses/sample-course/basics/check/")
    moved = remembered()
    assert moved[0] != first[0]
    db.session.execute(update(Enrollment).values(last_visited_at=moved[1] - timedelta(minutes=5)))
    db.session.commit()
    stale = remembered()
    client.get("/courses/sample-course/basics/check/")
    assert remembered()[1] > stale[1]  # the same page, later: the time moves on


def test_visit_rule() -> None:
    from datetime import UTC, datetime, timedelta

    from lms.progress.services import visit_worth_recording

    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert visit_worth_recording(7, now, None, None)  # first visit
    assert visit_worth_recording(7, now, 6, now)  # another page
    assert not visit_worth_recording(7, now, 7, now - timedelta(seconds=59))
    assert visit_worth_recording(7, now, 7, now - timedelta(minutes=1))


def test_untranslated_course_text_is_marked_with_its_language(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        synced: None) -> None:
    """On an Arabic page the English course text says so (lang + dir), so its full stop stays
    at its end; each text is marked with the language it is really in."""
    login(make_user(language="ar"))
    client.get("/courses/sample-course/basics/first-lesson/")  # for "continue where you left off"
    catalogue = client.get("/courses/").text
    assert '<html lang="ar" dir="rtl">' in catalogue
    assert ('<h2 lang="en" dir="ltr"><a href="/courses/sample-course/">Sample course</a></h2>'
            in catalogue)
    assert ('<p lang="en" dir="ltr">A small course that uses every part of the package format.'
            '</p>') in catalogue
    assert 'href="/courses/sample-course/basics/first-lesson/" lang="en" dir="ltr">' in catalogue
    course = client.get("/courses/sample-course/").text
    assert '<h1><span lang="en" dir="ltr">Sample course</span></h1>' in course
    assert '<h3 lang="en" dir="ltr">The basics</h3>' in course
    assert '<p lang="en" dir="ltr">Where the money goes.</p>' in course
    assert 'lang="en" dir="ltr">Follow the money</a>' in course
    assert 'lang="en" dir="ltr">Check your understanding</a>' in course
    # the module's "lessons left, quiz not taken yet" is joined with the Arabic comma
    assert "، لم تُجرِ الاختبار بعد" in course


def test_partly_translated_course_marks_each_text_with_its_own_language(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        synced: None) -> None:
    login(make_user(language="it"))
    course = client.get("/courses/sample-course/").text
    assert '<h3 lang="it" dir="ltr">Le basi</h3>' in course
    assert 'lang="it" dir="ltr">Segui i soldi</a>' in course
    # no Italian text for this lesson: its English title is marked English
    assert 'lang="en" dir="ltr">A lesson that ends with a quiz</a>' in course


def test_teacher_guide_falls_back_to_the_default_language(client: FlaskClient,
                                                          synced: None) -> None:
    """Issue 14: the sample course has course.it.md but no teacher-guide.it.md."""
    page = client.get("/courses/sample-course/teacher-guide/",
                      headers={"Accept-Language": "it-IT,it;q=0.9"})
    assert page.status_code == 200
    assert "Notes for teachers" in page.text
    assert 'class="notice"' in page.text and 'lang="en"' in page.text
    english = client.get("/courses/sample-course/teacher-guide/")
    assert 'class="notice"' not in english.text


def test_module_introductions_are_on_the_course_page(client: FlaskClient,
                                                     synced: None) -> None:
    page = client.get("/courses/sample-course/").text
    assert "A short introduction to the module." in page
    assert page.index("The basics") < page.index("A short introduction to the module.")
