"""The draft editor (issue 14, item 2): every file reachable by language and title, saving
keeps text with errors, "Translate into" makes a copy the checker reports until translated,
and the format guide and quiz syntax sit beside the editor."""

from __future__ import annotations

import re

from authoring_support import LESSON, SLUG, draft_root, edit_url, save, two_lessons_and_a_quiz
from flask import Flask

from lms.authoring.services import check_draft
from lms.authoring.storage import AuthoringDirs

SAMPLE = "sample-course"


def taken_over_sample(client, make_user, login) -> str:
    login(make_user(role="trainer"))
    assert client.post(f"/author/live/{SAMPLE}/take-over").status_code == 302
    return client.get(f"/author/courses/{SAMPLE}/").text


def test_every_file_is_reachable_by_language_and_title(app: Flask, client, make_user, login,
                                                       synced) -> None:
    page = taken_over_sample(client, make_user, login)
    # Titles, not file names; both the English and the Italian module file.
    assert "<h1><span dir=\"auto\">Sample course</span>" in page
    assert "Follow the money" in page
    assert f'/author/courses/{SAMPLE}/edit/01-basics/module.md"' in page
    assert f'/author/courses/{SAMPLE}/edit/01-basics/module.it.md"' in page
    assert "Italiano: <span dir=\"auto\" lang=\"it\">Le basi</span>" in page
    # One Italian link on the course row (the teacher guide's is not mixed in) …
    course_row = page[page.index("Course description"):page.index("Teacher's guide")]
    assert course_row.count("Italiano:") == 1
    # … and "Translate into" only where the Italian file is missing.
    guide_row = page[page.index("Teacher's guide</strong>"):page.index("</li>",
                     page.index("Teacher's guide</strong>"))]
    assert "Translate into Italiano" in guide_row
    assert "Translate into Italiano" not in course_row
    assert len(re.findall(r"Translate into Italiano<span[^>]*>: Follow the money", page)) == 0
    # The editor of the Italian file links to the English one.
    editor = client.get(f"/author/courses/{SAMPLE}/edit/01-basics/module.it.md").text
    assert f'/author/courses/{SAMPLE}/edit/01-basics/module.md"' in editor
    assert "English: <span dir=\"auto\" lang=\"en\">The basics</span>" in editor


def test_text_with_a_missing_image_or_click_here_is_saved(app: Flask, client, make_user,
                                                          login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    text = ("---\ntitle: Water is a right\nestimated_minutes: 5\n---\n"
            "![A river](river.png) is not uploaded yet. [click here](https://example.org)\n")
    response = save(client, LESSON, text)
    assert response.status_code == 302
    assert (draft_root(app) / LESSON).read_text() == text
    page = client.get(edit_url(LESSON)).text
    assert "river.png" in page and 'class="line-problem"' in page


def test_translation_is_reported_until_translated(app: Flask, client, make_user,
                                                  login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    response = client.post(f"/author/courses/{SLUG}/translate",
                           data={"rel": LESSON, "language": "it"})
    italian = LESSON.replace(".md", ".it.md")
    assert response.headers["Location"].endswith(edit_url(italian))
    text = (draft_root(app) / italian).read_text()
    assert re.search(r'^untranslated: "[0-9a-f]{16}"$', text, re.MULTILINE)
    dirs = AuthoringDirs(draft_root(app).parent.parent)
    questions = app.extensions["lms"].question_types
    found = [p for p in check_draft(dirs, SLUG, questions) if p.rel == italian]
    assert any("not translated yet" in p.message and p.is_error for p in found), found
    page = client.get(f"/author/courses/{SLUG}/").text
    assert "Translate into Italiano<span class=\"visually-hidden\">: Water is a right" not in page
    # A second "Translate into it" of the same file is refused, and nothing is lost.
    again = client.post(f"/author/courses/{SLUG}/translate",
                        data={"rel": LESSON, "language": "it"}, follow_redirects=True)
    assert "this translation exists already" in again.text
    assert (draft_root(app) / italian).read_text() == text
    # Translating the text ends the report (the marker may stay).
    translated = text.replace("In 2010 the UN General Assembly recognised the human right to "
                              "water.", "Nel 2010 l'ONU ha riconosciuto il diritto all'acqua.")
    assert translated != text
    assert save(client, italian, translated).status_code == 302
    found = [p for p in check_draft(dirs, SLUG, questions) if p.rel == italian]
    assert not any("not translated yet" in p.message for p in found), found


def test_translate_refuses_the_default_or_unknown_language(app: Flask, client, make_user,
                                                           login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    for language in ("en", "xx", ""):
        response = client.post(f"/author/courses/{SLUG}/translate",
                               data={"rel": LESSON, "language": language})
        assert response.status_code == 400
    response = client.post(f"/author/courses/{SLUG}/translate",
                           data={"rel": "../../etc/passwd", "language": "it"},
                           follow_redirects=True)
    assert "not a file of this course" in response.text


def test_format_guide_and_quiz_syntax_beside_the_editor(app: Flask, client, make_user,
                                                        login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    editor = client.get(edit_url("01-introduction/03-check.quiz.md")).text
    assert 'href="/author/guide/"' in editor
    assert "Quiz syntax in short" in editor and "<details class=\"author-reference\" open>" \
        in editor
    guide = client.get("/author/guide/")
    assert guide.status_code == 200 and "Writing a course" in guide.text
    assert "Type: true-false" in guide.text
