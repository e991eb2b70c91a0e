"""Trainers rename modules, lessons and quizzes: the title changes, the id (page address and
the key of learners' progress) stays, and the course check stays happy."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from authoring_support import (
    LESSON,
    QUIZ,
    SECOND,
    SLUG,
    draft_root,
    save,
    two_lessons_and_a_quiz,
)
from flask import Flask
from sqlalchemy import select

from lms.authoring.retitle import TitleRefused, set_title
from lms.courses.models import Item, ItemText
from lms.db import db
from lms.progress.models import ItemCompletion


def rename_url(rel: str, slug: str = SLUG) -> str:
    return f"/author/courses/{slug}/rename/{rel}"


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def check(runner, app: Flask) -> object:
    """``lms courses check`` on the draft folder."""
    return runner.invoke(args=["courses", "check", str(draft_root(app))])


@pytest.fixture
def trainer_client(app: Flask, client, make_user, login):
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    return client


def test_a_lesson_gets_a_new_title_and_keeps_its_id(app: Flask, trainer_client, runner) -> None:
    path = draft_root(app) / SECOND
    before = path.read_text(encoding="utf-8")
    course_page = trainer_client.get(f"/author/courses/{SLUG}/").text
    assert f'href="{rename_url(SECOND)}"' in course_page
    page = trainer_client.get(rename_url(SECOND)).text
    assert "Rename the lesson “Who owns a river”" in page
    assert '<label for="title">Title</label>' in page
    assert 'value="Who owns a river"' in page
    assert "The id “who-owns-a-river” stays the same" in page

    response = trainer_client.post(rename_url(SECOND), data={"title": "Rivers: who owns them?"},
                                   follow_redirects=True)
    assert "Renamed to “Rivers: who owns them?”." in response.text
    assert path.is_file()  # same file name, so the same id
    assert front_matter(path)["title"] == "Rivers: who owns them?"
    # Only the title line changed.
    old_lines, new_lines = before.split("\n"), path.read_text(encoding="utf-8").split("\n")
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [1]
    result = check(runner, app)
    assert result.exit_code == 0, result.output


def test_modules_and_quizzes_are_renamed_too(app: Flask, trainer_client, runner) -> None:
    root = draft_root(app)
    assert "Rename the module “Introduction”" in trainer_client.get(
        rename_url("01-introduction")).text
    assert trainer_client.post(rename_url("01-introduction"),
                               data={"title": "Why water matters"}).status_code == 302
    assert front_matter(root / "01-introduction/module.md")["title"] == "Why water matters"
    assert trainer_client.post(rename_url(QUIZ), data={"title": 'Yes: "check" \\ it'}
                               ).status_code == 302
    assert front_matter(root / QUIZ)["title"] == 'Yes: "check" \\ it'  # text, not YAML
    assert (root / QUIZ).is_file()
    result = check(runner, app)
    assert result.exit_code == 0, result.output


def test_an_empty_title_is_a_form_error(app: Flask, trainer_client) -> None:
    before = (draft_root(app) / LESSON).read_bytes()
    response = trainer_client.post(rename_url(LESSON), data={"title": "   "})
    assert response.status_code == 400
    assert 'aria-describedby="title-hint title-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert '<a href="#title">Title:' in response.text  # the summary links to the field
    assert (draft_root(app) / LESSON).read_bytes() == before


def test_a_too_long_title_is_a_form_error(app: Flask, trainer_client) -> None:
    response = trainer_client.post(rename_url(LESSON), data={"title": "x" * 201})
    assert response.status_code == 400 and 'id="title-error"' in response.text


def test_a_multi_line_title_is_replaced_whole(app: Flask, trainer_client, runner) -> None:
    text = ("---\ntitle: >\n  A title folded\n  over two lines\n\nobjectives:\n  - Know it\n"
            "estimated_minutes: 5\n---\nBody.\n\n## Sources\n\n- A book.\n")
    assert save(trainer_client, SECOND, text).status_code == 302
    assert trainer_client.post(rename_url(SECOND), data={"title": "Short"}).status_code == 302
    meta = front_matter(draft_root(app) / SECOND)
    assert meta == {"title": "Short", "objectives": ["Know it"], "estimated_minutes": 5}
    assert check(runner, app).exit_code == 0


@pytest.mark.parametrize("rel", [
    "01-introduction/09-none.md", "09-none", "01-introduction/module.md", "course.md",
    "../water-rights/course.md", "01-introduction/01-first-lesson.it.md"])
def test_renaming_what_is_not_there_is_a_404(app: Flask, trainer_client, rel: str) -> None:
    trainer_client.post(f"/author/courses/{SLUG}/translate", data={"rel": LESSON,
                                                                 "language": "it"})
    assert trainer_client.get(rename_url(rel)).status_code == 404
    assert trainer_client.post(rename_url(rel), data={"title": "New"}).status_code == 404


def test_other_trainers_cannot_rename(app: Flask, trainer_client, make_user) -> None:
    stranger = app.test_client()
    user = make_user(role="trainer")
    stranger.post("/account/login", data={"login": user.username, "password": "password123"})
    before = (draft_root(app) / LESSON).read_bytes()
    assert stranger.get(rename_url(LESSON)).status_code == 404
    assert stranger.post(rename_url(LESSON), data={"title": "Mine"}).status_code == 404
    assert (draft_root(app) / LESSON).read_bytes() == before


def test_learners_keep_their_progress_when_a_renamed_lesson_is_published(
        app: Flask, trainer_client, make_user) -> None:
    trainer_client.post(f"/author/courses/{SLUG}/publish", data={"note": "v1"})
    student = make_user(role="student")
    learner = app.test_client()
    learner.post("/account/login", data={"login": student.username, "password": "password123"})
    address = f"/courses/{SLUG}/introduction/who-owns-a-river/"
    learner.post(address + "complete")
    item_id = db.session.scalar(select(Item.id).where(Item.slug == "who-owns-a-river"))
    assert trainer_client.post(rename_url(SECOND),
                               data={"title": "Rivers and rights"}).status_code == 302
    assert "Rivers and rights" not in learner.get(address).text  # not before publishing
    trainer_client.post(f"/author/courses/{SLUG}/publish", data={"note": "v2"})
    db.session.expire_all()
    assert db.session.scalar(select(Item.id).where(Item.slug == "who-owns-a-river")) == item_id
    assert db.session.scalar(select(ItemText.id).where(ItemText.item_id == item_id,
                                                       ItemText.title == "Rivers and rights"))
    assert db.session.scalar(select(ItemCompletion).where(ItemCompletion.item_id == item_id,
                                                          ItemCompletion.user_id == student.id))


def test_set_title_keeps_the_rest_of_the_file() -> None:
    assert set_title("---\ntitle: Old\nx: 1\n---\nBody\n", "New") == \
        '---\ntitle: "New"\nx: 1\n---\nBody\n'
    assert set_title("---\r\ntitle: Old\r\n---\r\n", "New") == '---\r\ntitle: "New"\r\n---\r\n'
    assert set_title("---\nx: 1\n---\n", "New") == '---\ntitle: "New"\nx: 1\n---\n'
    for broken in ("no front matter\n", "---\ntitle: never closed\n"):
        with pytest.raises(TitleRefused):
            set_title(broken, "New")
