"""Helpers for the authoring tests: a trainer's draft made through the web pages."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

SLUG = "water-rights"
LESSON = "01-introduction/01-first-lesson.md"
SECOND = "01-introduction/02-who-owns-a-river.md"
QUIZ = "01-introduction/03-check.quiz.md"

LESSON_TEXT = """---
title: Water is a right
objectives:
  - Say why access to water is a human right
estimated_minutes: 5
---
In 2010 the UN General Assembly recognised the human right to water.

## Sources

- UN resolution 64/292, 2010.
"""


def draft_root(app: Flask, slug: str = SLUG) -> Path:
    return Path(app.instance_path) / "authoring" / "drafts" / slug


def field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page)
    assert match, f"no field {name}"
    return match.group(1)


def edit_url(rel: str, slug: str = SLUG) -> str:
    return f"/author/courses/{slug}/edit/{rel}"


def create_course(client: FlaskClient, slug: str = SLUG) -> None:
    response = client.post("/author/new", data={
        "title": "Water rights", "slug": slug, "summary": "Who owns water?",
        "topic": "other", "languages": ["en", "it"]})
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith(f"/author/courses/{slug}/")


def save(client: FlaskClient, rel: str, text: str, slug: str = SLUG) -> object:
    page = client.get(edit_url(rel, slug)).text
    return client.post(edit_url(rel, slug), data={
        "text": text, "base_hash": field(page, "base_hash"), "action": "save"})


def two_lessons_and_a_quiz(client: FlaskClient, slug: str = SLUG) -> None:
    """The "Done when" course: two lessons and a quiz in one module."""
    create_course(client, slug)
    for title, kind in (("Who owns a river", "lesson"), ("Check", "quiz")):
        response = client.post(f"/author/courses/{slug}/items", data={
            "module": "01-introduction", "title": title, "kind": kind})
        assert response.status_code == 302
    assert save(client, LESSON, LESSON_TEXT, slug).status_code == 302
