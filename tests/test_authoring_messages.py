"""Checker and authoring messages: English templates with parameters, shown in the trainer's
language in the browser and in English on the command line."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from flask import Flask
from markupsafe import escape

from lms.authoring.storage import DraftError
from lms.courses.package import load_course
from lms.problems import N_, Joined, Problem, Text
from lms.questions.parse import parse_questions
from tests.authoring_support import QUIZ, SLUG, create_course, draft_root, edit_url

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# One question per kind of mistake the quiz parser and the built-in types report.
BAD_QUIZ = """\
Text before the first question.

## Which one?
- [ ] a
- [ ] b

## Pick one
- [x] a
- [x] b
- [ ] a

##
Type: numeric
Answer: lots
Answers: 3

## True?
Type: true-false
Answer: maybe
Answer: true

## Order
Type: ordering
1. only

## Pairs
Type: matching
- a -> 1
- a -> 2
- broken

## Blank
Type: cloze
Match: fuzzy
No blanks here.

## Short
Type: short
Answer:
Answer: x
Answer: X
Explanation: one
Explanation: two

## Mystery
Type: essay
"""


_CATALOGUE = {
    "cannot import %(reason)s: %(listed)s": "impossibile importare %(reason)s: %(listed)s",
    "no such module": "questo modulo non esiste",
    "image has no address": "l'immagine non ha un indirizzo",
}


def _fake_gettext(message: str) -> str:
    return _CATALOGUE.get(message, message)


def _bad_package_problems() -> list[Problem]:
    problems: list[Problem] = []
    for root in sorted((DATA / "packages" / "broken").iterdir()):
        problems += load_course(root)[1]
    problems += parse_questions(BAD_QUIZ, path="quiz.md", first_line=1)[1]
    return problems


def test_problem_message_is_english_and_translates_with_its_parameters() -> None:
    problem = Problem.of("a.md", 3, N_('duplicate key "%(key)s"'), key="title")
    assert problem.message == 'duplicate key "title"'
    assert str(problem) == 'a.md:3: duplicate key "title"'
    assert problem == Problem("a.md", 3, 'duplicate key "title"')  # equal to the plain form
    catalogue = {'duplicate key "%(key)s"': 'chiave "%(key)s" ripetuta'}
    assert problem.translated(lambda s: catalogue.get(s, s)) == 'chiave "title" ripetuta'


def test_plain_messages_from_plugins_show_as_they_are() -> None:
    problem = Problem("a.md", 1, "100% wrong: plugin text")
    assert problem.translated(_fake_gettext) == "100% wrong: plugin text"


def test_nested_messages_translate_with_the_sentence() -> None:
    error = DraftError(N_("cannot import %(reason)s: %(listed)s"),
                       reason=Text(N_("no such module")),
                       listed=Joined.of([
                           Text("%(where)s: %(message)s", {"where": "x:1", "message": Problem.of(
                               "x", 1, N_("image has no address"))}),
                           Text("%(where)s: %(message)s", {"where": "y:2", "message": Problem(
                               "y", 2, "plain")})]))
    assert str(error) == "cannot import no such module: x:1: image has no address; y:2: plain"
    assert error.translated(_fake_gettext) == (
        "impossibile importare questo modulo non esiste: "
        "x:1: l'immagine non ha un indirizzo; y:2: plain")


def test_every_problem_of_the_bad_packages_is_a_template_with_matching_parameters() -> None:
    problems = _bad_package_problems()
    assert len({p.template for p in problems}) >= 20  # the data exercises many templates
    for problem in problems:
        assert problem.template, f"not marked for translation: {problem}"
        assert set(PLACEHOLDER.findall(problem.template)) == set(problem.params), problem
        assert problem.template % problem.params == problem.message


def test_every_marked_template_is_a_clean_format_string() -> None:
    """Every N_ template has only %(name)s placeholders (or no % at all), so a translator's
    copy fills the same way and an English text with no parameters is never %-formatted."""
    found = [found[2] for found in extract_from_dir(
        str(ROOT / "lms"), method_map=[("**.py", "python")], keywords={"N_": None})]
    assert len(found) > 140
    for template in found:
        assert "%" not in PLACEHOLDER.sub("", template), template


def _trainer(make_user, login, language: str | None) -> None:
    login(make_user(role="trainer", language=language))


def _break_quiz(app: Flask, client) -> None:
    create_course(client)
    response = client.post(f"/author/courses/{SLUG}/items", data={
        "module": "01-introduction", "title": "Check", "kind": "quiz"})
    assert response.status_code == 302
    (draft_root(app) / QUIZ).write_text(
        "---\ntitle: Check\n---\n## Which river is longest?\n- [ ] Po\n- [ ] Tiber\n")


def test_italian_trainer_sees_checker_messages_in_italian(app: Flask, client, make_user,
                                                          login) -> None:
    _trainer(make_user, login, "it")
    _break_quiz(app, client)
    italian = str(escape("nessuna opzione corretta: segna quella giusta con '- [x]'"))
    course_page = client.get(f"/author/courses/{SLUG}/").text
    assert italian in course_page
    editor = client.get(edit_url(QUIZ)).text
    assert italian in editor  # in the problem list and next to line 4 of the source
    assert editor.count(italian) == 2


def test_english_trainer_and_the_cli_keep_english(app: Flask, client, make_user, login,
                                                  runner) -> None:
    _trainer(make_user, login, "en")
    _break_quiz(app, client)
    english = str(escape("no correct option: mark it with '- [x]'"))
    assert english in client.get(f"/author/courses/{SLUG}/").text
    result = runner.invoke(args=["courses", "check", str(draft_root(app))])
    assert f"{draft_root(app).as_posix()}/{QUIZ}:4: no correct option: mark it with '- [x]'" \
        in result.output


def test_draft_errors_are_flashed_in_italian(app: Flask, client, make_user, login) -> None:
    _trainer(make_user, login, "it")
    create_course(client)
    response = client.post(f"/author/courses/{SLUG}/modules", data={"title": "Introduction"},
                           follow_redirects=True)
    assert str(escape("esiste già un modulo con l'identificativo \"introduction\"")) \
        in response.text


def test_import_errors_are_listed_in_italian(app: Flask, client, make_user, login) -> None:
    _trainer(make_user, login, "it")
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted((DATA / "packages" / "broken" / "image-without-alt").rglob("*")):
            if path.is_file():
                rel = path.relative_to(DATA / "packages" / "broken").as_posix()
                archive.writestr(rel, path.read_bytes())
    response = client.post("/author/import", data={
        "package": (io.BytesIO(package.getvalue()), "c.zip")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "il corso ha degli errori, non è stato importato nulla:" in response.text
    assert "01-basics/01-intro.md:" in response.text
    assert "l&#39;immagine non ha testo alternativo: descrivila" in response.text


@pytest.mark.parametrize("language", ["it", "ar"])
def test_catalogues_translate_every_bad_package_message(language: str) -> None:
    from tests.test_i18n import load_catalogue

    catalogue = load_catalogue(language)
    for problem in _bad_package_problems():
        message = catalogue.get(problem.template)
        assert message is not None and message.string, (language, problem.template)


def test_a_missing_translation_file_is_named_without_a_line(app: Flask, client, make_user,
                                                            login, runner) -> None:
    """A file that does not exist has no line 0: ``path: message``, in the browser too."""
    _trainer(make_user, login, "en")
    _break_quiz(app, client)  # a course in en and it whose quiz has no Italian file
    missing = QUIZ.removesuffix(".md") + ".it.md"
    assert not (draft_root(app) / missing).exists()
    page = client.get(f"/author/courses/{SLUG}/").text
    assert f"<code>{missing}</code>" in page
    assert f"{missing}:0" not in page and f"{missing}#L0" not in page
    result = runner.invoke(args=["courses", "check", str(draft_root(app))])
    assert f"{draft_root(app).as_posix()}/{missing}: warning: the course is in it but " \
        in result.output
