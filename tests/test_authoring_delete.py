"""Trainers delete lessons, quizzes, modules and images from a draft (after a confirmation page);
published versions and learners' progress change only when the course is published again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from authoring_support import (
    LESSON,
    LESSON_TEXT,
    QUIZ,
    SECOND,
    SLUG,
    create_course,
    draft_root,
    save,
    two_lessons_and_a_quiz,
)
from flask import Flask
from sqlalchemy import select

from lms.authoring import services
from lms.authoring.views import authoring_dirs
from lms.courses.models import Item
from lms.db import db
from lms.progress.models import ItemCompletion

IMAGE = (Path(__file__).parent / "data" / "packages" / "good" / "sample-course" / "01-basics"
         / "chain.svg")
RIVER = "01-introduction/river.svg"


def delete_url(rel: str, slug: str = SLUG) -> str:
    return f"/author/courses/{slug}/delete/{rel}"


def client_for(app: Flask, user: object) -> object:
    client = app.test_client()
    client.post("/account/login", data={"login": user.username, "password": "password123"})
    return client


def errors(app: Flask, slug: str = SLUG) -> list[str]:
    """The course checker's errors for the draft (what ``lms courses check`` reports)."""
    problems = services.check_draft(authoring_dirs(), slug, app.extensions["lms"].question_types)
    return [f"{p.rel}:{p.line}: {p.message}" for p in problems if p.is_error]


@pytest.fixture
def trainer_client(app: Flask, client, make_user, login):
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    return client


def test_a_lesson_and_its_translation_go_after_confirming(app: Flask, trainer_client) -> None:
    root = draft_root(app)
    trainer_client.post(f"/author/courses/{SLUG}/translate",
                        data={"rel": SECOND, "language": "it"})
    assert (root / "01-introduction/02-who-owns-a-river.it.md").is_file()
    course_page = trainer_client.get(f"/author/courses/{SLUG}/").text
    assert f'href="{delete_url(SECOND)}"' in course_page

    page = trainer_client.get(delete_url(SECOND))
    assert page.status_code == 200
    assert "Delete the lesson “Who owns a river”?" in page.text
    assert "01-introduction/02-who-owns-a-river.it.md" in page.text
    assert "Only the draft changes." in page.text and "learners' progress" in page.text
    assert (root / SECOND).is_file()  # the confirmation page deletes nothing

    response = trainer_client.post(delete_url(SECOND), follow_redirects=True)
    assert "Lesson “Who owns a river” deleted from the draft." in response.text
    assert sorted(p.name for p in (root / "01-introduction").iterdir()) == [
        "01-first-lesson.md", "03-check.quiz.md", "module.md"]
    assert errors(app) == []


def test_a_quiz_is_deleted_like_a_lesson(app: Flask, trainer_client) -> None:
    assert "Delete the quiz “Check”?" in trainer_client.get(delete_url(QUIZ)).text
    response = trainer_client.post(delete_url(QUIZ), follow_redirects=True)
    assert "Quiz “Check” deleted from the draft." in response.text
    assert not (draft_root(app) / QUIZ).exists()


def test_a_module_goes_with_its_items(app: Flask, trainer_client) -> None:
    trainer_client.post(f"/author/courses/{SLUG}/modules", data={"title": "Dams"})
    trainer_client.post(f"/author/courses/{SLUG}/items", data={
        "module": "02-dams", "title": "Who pays", "kind": "quiz"})
    page = trainer_client.get(delete_url("02-dams")).text
    assert "Delete the module “Dams”?" in page
    assert "First lesson" in page and "Who pays" in page  # its items are listed
    response = trainer_client.post(delete_url("02-dams"), follow_redirects=True)
    assert "Module “Dams” deleted from the draft, with its lessons and quizzes." in response.text
    assert not (draft_root(app) / "02-dams").exists()
    assert (draft_root(app) / LESSON).is_file()
    assert errors(app) == []


def test_links_that_will_break_are_listed_first(app: Flask, trainer_client) -> None:
    link = "\nNext: [who owns a river](02-who-owns-a-river.md)\n"
    save(trainer_client, LESSON, LESSON_TEXT + link)
    page = trainer_client.get(delete_url(SECOND)).text
    assert "Links that will stop working" in page
    assert f'href="/author/courses/{SLUG}/edit/{LESSON}">Water is a right</a>' in page
    assert trainer_client.post(delete_url(SECOND)).status_code == 302
    assert any(error.startswith(LESSON) for error in errors(app))  # the check shows it


def test_an_image_in_use_is_not_deleted(app: Flask, trainer_client) -> None:
    root = draft_root(app)
    shutil.copy(IMAGE, root / RIVER)
    save(trainer_client, LESSON, LESSON_TEXT + "\n![A river delta](river.svg)\n")
    page = trainer_client.get(delete_url(RIVER))
    assert page.status_code == 200
    assert "This image is still in use" in page.text
    assert f'edit/{LESSON}">Water is a right</a>' in page.text  # the lesson, by name
    assert 'class="button danger"' not in page.text
    response = trainer_client.post(delete_url(RIVER))
    assert response.status_code == 409
    assert "This image is still in use" in response.text
    assert (root / RIVER).is_file()

    # Once the lesson no longer shows it, it can go.
    save(trainer_client, LESSON, LESSON_TEXT)
    response = trainer_client.post(delete_url(RIVER), follow_redirects=True)
    assert "Image river.svg deleted from the draft." in response.text
    assert not (root / RIVER).exists()


def test_an_unused_image_of_the_course_folder_is_deleted(app: Flask, trainer_client) -> None:
    root = draft_root(app)
    shutil.copy(IMAGE, root / "cover.svg")
    assert 'href="/author/courses/water-rights/delete/cover.svg"' in \
        trainer_client.get(f"/author/courses/{SLUG}/").text
    page = trainer_client.get(delete_url("cover.svg")).text
    assert "Delete the image cover.svg?" in page
    assert "The course on the site keeps its images until you publish again." in page
    assert trainer_client.post(delete_url("cover.svg")).status_code == 302
    assert not (root / "cover.svg").exists()


def test_the_last_module_and_the_last_item_stay(app: Flask, client, make_user, login) -> None:
    login(make_user(role="trainer"))
    create_course(client)  # one module with one lesson
    root = draft_root(app)
    page = client.get(delete_url(LESSON)).text
    assert "A module needs at least one lesson or quiz." in page
    assert client.post(delete_url(LESSON)).status_code == 409
    assert "A course needs at least one module." in client.get(delete_url("01-introduction")).text
    assert client.post(delete_url("01-introduction")).status_code == 409
    assert (root / LESSON).is_file()
    assert errors(app) == []


@pytest.mark.parametrize("rel", [
    "01-introduction/09-no-such-lesson.md", "09-no-such-module", "no-such.svg",
    "01-introduction/module.md", "course.md", "../water-rights/course.md",
    "01-introduction/.hidden.md"])
def test_deleting_what_is_not_there_is_a_404(app: Flask, trainer_client, rel: str) -> None:
    before = sorted(str(p) for p in draft_root(app).rglob("*"))
    assert trainer_client.get(delete_url(rel)).status_code == 404
    assert trainer_client.post(delete_url(rel)).status_code == 404
    assert sorted(str(p) for p in draft_root(app).rglob("*")) == before


def test_a_translation_alone_is_not_a_deletable_item(app: Flask, trainer_client) -> None:
    trainer_client.post(f"/author/courses/{SLUG}/translate", data={"rel": LESSON,
                                                                 "language": "it"})
    assert trainer_client.get(delete_url("01-introduction/01-first-lesson.it.md")
                              ).status_code == 404


def test_other_trainers_and_learners_cannot_delete(app: Flask, trainer_client,
                                                    make_user) -> None:
    stranger = client_for(app, make_user(role="trainer"))
    student = client_for(app, make_user(role="student"))
    for url in (delete_url(SECOND), delete_url("01-introduction")):
        assert stranger.get(url).status_code == 404
        assert stranger.post(url).status_code == 404
        assert student.post(url).status_code == 403
    assert (draft_root(app) / SECOND).is_file()
    admin = client_for(app, make_user(role="admin"))
    assert admin.post(delete_url(SECOND)).status_code == 302


def test_delete_needs_the_csrf_token(app: Flask, trainer_client) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert trainer_client.post(delete_url(SECOND)).status_code == 400
        assert (draft_root(app) / SECOND).is_file()
        page = trainer_client.get(delete_url(SECOND)).text
        token = page.split('name="csrf_token" value="', 2)[-1].split('"', 1)[0]
        response = trainer_client.post(delete_url(SECOND), data={"csrf_token": token})
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not (draft_root(app) / SECOND).exists()


def test_learners_keep_everything_until_the_next_publish(app: Flask, trainer_client,
                                                         make_user) -> None:
    assert trainer_client.post(f"/author/courses/{SLUG}/publish",
                               data={"note": "v1"}).status_code == 302
    learner = client_for(app, make_user(role="student"))
    address = f"/courses/{SLUG}/introduction/who-owns-a-river/"
    assert learner.get(address).status_code == 200
    assert learner.post(address + "complete").status_code in (200, 302)
    item = db.session.scalar(select(Item).where(Item.slug == "who-owns-a-river"))
    assert db.session.scalar(select(ItemCompletion).where(ItemCompletion.item_id == item.id))
    published = Path(app.instance_path) / "authoring" / "published" / SLUG / SECOND

    assert trainer_client.post(delete_url(SECOND)).status_code == 302
    assert published.is_file()  # the published copy is untouched
    assert learner.get(address).status_code == 200

    assert trainer_client.post(f"/author/courses/{SLUG}/publish",
                               data={"note": "v2"}).status_code == 302
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert not item.available  # no longer in the course…
    # …and the learner's record of it is kept.
    assert db.session.scalar(select(ItemCompletion).where(ItemCompletion.item_id == item.id))
