"""Who may do what in the authoring area."""

from __future__ import annotations

from authoring_support import LESSON, SLUG, create_course, draft_root, edit_url
from flask import Flask
from sqlalchemy import select

from lms.courses.models import Course
from lms.db import db


def client_for(app: Flask, user: object) -> object:
    client = app.test_client()
    client.post("/account/login", data={"login": user.username, "password": "password123"})
    return client


def test_only_trainers_enter(app: Flask, client, make_user) -> None:
    assert client.get("/author/").status_code == 302  # to the login page
    for role in ("student", "teacher"):
        assert client_for(app, make_user(role=role)).get("/author/").status_code == 403
    assert client_for(app, make_user(role="trainer")).get("/author/").status_code == 200
    assert client_for(app, make_user(role="admin")).get("/author/").status_code == 200


def test_nav_shows_author_to_trainers_only(app: Flask, make_user) -> None:
    assert ">Author<" in client_for(app, make_user(role="trainer")).get("/courses/").text
    assert ">Author<" not in client_for(app, make_user(role="teacher")).get("/courses/").text


def test_other_trainers_cannot_see_or_edit_a_draft(app: Flask, client, make_user,
                                                   login) -> None:
    login(make_user(role="trainer"))
    create_course(client)
    stranger = client_for(app, make_user(role="trainer"))
    assert SLUG not in stranger.get("/author/").text
    for url in (f"/author/courses/{SLUG}/", edit_url(LESSON),
                f"/author/courses/{SLUG}/versions/", f"/author/courses/{SLUG}/export.zip"):
        assert stranger.get(url).status_code == 404, url
    before = (draft_root(app) / LESSON).read_bytes()
    assert stranger.post(edit_url(LESSON), data={"text": "x", "action": "save",
                                                 "base_hash": ""}).status_code == 404
    assert stranger.post(f"/author/courses/{SLUG}/publish").status_code == 404
    assert (draft_root(app) / LESSON).read_bytes() == before


def test_coauthors_edit_but_do_not_publish_admins_assign(app: Flask, client, make_user,
                                                          login) -> None:
    owner = make_user(role="trainer")
    login(owner)
    create_course(client)
    coauthor = make_user(role="trainer")
    # Owners cannot assign co-authors; admins can.
    assert client.post(f"/author/courses/{SLUG}/authors",
                       data={"username": coauthor.username}).status_code == 403
    admin = client_for(app, make_user(role="admin"))
    assert admin.get(f"/author/courses/{SLUG}/").status_code == 200
    admin.post(f"/author/courses/{SLUG}/authors", data={"username": coauthor.username})
    theirs = client_for(app, coauthor)
    assert theirs.get(edit_url(LESSON)).status_code == 200
    assert theirs.post(f"/author/courses/{SLUG}/publish", data={"note": ""}).status_code == 403
    # The owner publishes; only an admin unpublishes, and records stay.
    assert client.post(f"/author/courses/{SLUG}/publish", data={"note": ""}).status_code == 302
    assert client.post(f"/author/courses/{SLUG}/unpublish").status_code == 403
    assert admin.post(f"/author/courses/{SLUG}/unpublish").status_code == 302
    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert course is not None and not course.available
    assert client.get(f"/courses/{SLUG}/").status_code == 410
    # Publishing again brings it back without a new version (nothing changed).
    response = client.post(f"/author/courses/{SLUG}/publish", data={"note": ""},
                           follow_redirects=True)
    assert "Nothing changed since the last version" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(Course).where(Course.slug == SLUG)).available


def test_slug_of_an_on_disk_course_cannot_be_taken(app: Flask, client, make_user, login,
                                                   synced) -> None:
    login(make_user(role="trainer"))
    response = client.post("/author/new", data={
        "title": "Copy", "slug": "sample-course", "summary": "x", "topic": "other",
        "languages": ["en"]})
    assert response.status_code == 200
    assert "authored on disk" in response.text
    # On-disk courses are listed for export, not for editing.
    index = client.get("/author/").text
    assert "/author/courses/sample-course/export.zip" in index
    assert client.get("/author/courses/sample-course/").status_code == 404
