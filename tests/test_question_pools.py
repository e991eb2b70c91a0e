"""Question pools: a quiz may ask ``draw: N`` of its questions per attempt. The draw is made by
the attempt's seeded random source, the same in every language, and recorded in the attempt's
snapshot, which grading and review read; the checker refuses a pool larger than the bank."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.auth.models import User
from lms.courses.package import load_course
from lms.db import db
from lms.questions.pools import draw_positions
from lms.questions.settings import QuizSettings, certificate_leak, parse_quiz_settings
from lms.quizzes import snapshot
from lms.quizzes.models import QuizAttempt
from tests.conftest import SAMPLE_COURSES
from tests.test_course_versions import CHECK, hidden, logged_in, package  # noqa: F401

QUIZ = Path("sample-course/01-basics/02-check.quiz.md")


class LastOnes:
    """A random source that always draws the last ``k``: no luck involved."""

    def sample(self, population: Sequence[int], k: int) -> list[int]:
        return list(population)[-k:]

    def shuffle(self, items: list[object]) -> None:
        items.reverse()


# -- settings and the checker ----------------------------------------------------------------


def parse(meta: dict[str, object]) -> tuple[QuizSettings, list[str]]:
    settings, problems = parse_quiz_settings(meta, path="q.quiz.md",
                                             line_of=lambda key: 4, default_title="Q")
    return settings, [str(problem) for problem in problems]


def test_draw_is_parsed() -> None:
    assert parse({"draw": 5}) == (QuizSettings("Q", draw=5), [])
    assert parse({})[0].draw == 0  # every question
    assert parse({"draw": 0})[1] == [
        "q.quiz.md:4: draw: must be 1 or more (the questions asked per attempt), not 0"]
    assert parse({"draw": "5"})[1] == ["q.quiz.md:4: draw: must be a whole number, not '5'"]
    assert QuizSettings.from_dict(QuizSettings("Q", draw=3).to_dict()).draw == 3


def write_quiz(root: Path, front: str, questions: int) -> Path:
    path = root / QUIZ
    path.with_name("02-check.quiz.it.md").unlink(missing_ok=True)
    path.write_text(f"---\ntitle: Pool\n{front}---\n" + "".join(
        f"## Statement {n} is true.\nType: true-false\nAnswer: true\n\n"
        for n in range(1, questions + 1)))
    return path


def test_a_pool_larger_than_the_bank_is_an_error(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE_COURSES, tmp_path, dirs_exist_ok=True)
    path = write_quiz(tmp_path, "pass_mark: 50\nattempts: 2\ndraw: 12\n", 9)
    spec, problems = load_course(tmp_path / "sample-course")
    assert spec is None
    assert [str(p) for p in problems if p.is_error] == [
        f"{path}:5: draw: 12 questions per attempt, but the quiz has only 9"]
    write_quiz(tmp_path, "pass_mark: 50\nattempts: 2\ndraw: 9\n", 9)
    assert not [p for p in load_course(tmp_path / "sample-course")[1] if p.is_error]


def test_a_certificate_quiz_that_gives_answers_away_is_warned_about(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE_COURSES, tmp_path, dirs_exist_ok=True)
    path = write_quiz(tmp_path, "attempts: 0\nshow_answers: after_each_attempt\n", 3)
    spec, problems = load_course(tmp_path / "sample-course")
    assert spec is not None  # a warning
    assert [str(p) for p in problems if "certificate" in p.message] == [
        f"{path}:4: warning: this quiz leads to the certificate and shows the right answers "
        "after every attempt with unlimited attempts, so a failed attempt gives the answers to "
        "the next: set show_answers: after_pass (or never), or limit attempts"]
    for safe in ("attempts: 0\nshow_answers: after_pass\n", "attempts: 3\n",
                 "attempts: 0\nrequired: false\n"):
        write_quiz(tmp_path, safe, 3)
        assert not [p for p in load_course(tmp_path / "sample-course")[1]
                    if "certificate" in p.message], safe
    leaky = QuizSettings("Q", attempts=0, show_answers="after_each_attempt")
    assert certificate_leak(leaky, certificate=False, path="q", line=1) == []


# -- the draw --------------------------------------------------------------------------------


def test_draw_positions_come_from_the_random_source() -> None:
    assert draw_positions(9, 3, LastOnes()) == [6, 7, 8]  # type: ignore[arg-type]
    assert draw_positions(9, 3, None) == [0, 1, 2]  # a visitor reads the first ones
    assert draw_positions(9, 0, LastOnes()) == list(range(9))  # type: ignore[arg-type]
    assert draw_positions(9, 9, LastOnes()) == list(range(9))  # type: ignore[arg-type]
    assert draw_positions(9, 4, random.Random(7)) == draw_positions(9, 4, random.Random(7))


def statements(language: str) -> list[dict[str, object]]:
    word = {"en": "Statement", "it": "Affermazione"}[language]
    return [{"key": f"q{n}", "type": "true-false", "prompt_html": f"{word} {n}",
             "config": {"answer": True}} for n in range(1, 10)]


def test_every_language_draws_the_same_questions(app: Flask) -> None:
    settings = QuizSettings("Q", draw=4, shuffle_questions=True)
    english = snapshot.public_questions(statements("en"), settings, random.Random(31))
    italian = snapshot.public_questions(statements("it"), settings, random.Random(31))
    assert len(english) == 4
    assert [q["key"] for q in english] == [q["key"] for q in italian]
    assert italian[0]["prompt_html"].startswith("Affermazione")
    fixed = snapshot.public_questions(statements("en"), QuizSettings("Q", draw=3), LastOnes())  # type: ignore[arg-type]
    assert [q["key"] for q in fixed] == ["q7", "q8", "q9"]


# -- attempts --------------------------------------------------------------------------------


def test_an_attempt_is_graded_and_reviewed_by_its_own_draw(
    package: Path, runner: FlaskCliRunner, app: Flask,  # noqa: F811
    make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_quiz(package.parent, "pass_mark: 60\nattempts: 0\nshow_answers: after_pass\ndraw: 3\n",
               10)
    assert "updated: sample-course" in runner.invoke(args=["courses", "sync"]).output
    monkeypatch.setattr(snapshot.secrets, "randbits", lambda bits: 1234)  # the attempt's seed
    learner = make_user()
    client = logged_in(app, learner)
    page = client.get(CHECK).text
    assert "3 questions, drawn from 10 for each attempt" in page
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == learner.id))
    assert attempt is not None and attempt.seed == 1234
    expected = [f"Statement {n + 1} is true." for n in draw_positions(10, 3, random.Random(1234))]
    assert len(attempt.questions) == 3
    assert all(text in question["prompt_html"]
               for text, question in zip(expected, attempt.questions, strict=True))
    # A new version asks every question; the open attempt's draw was answered and is graded.
    write_quiz(package.parent, "pass_mark: 60\nattempts: 0\nshow_answers: after_pass\n", 10)
    runner.invoke(args=["courses", "sync"])
    data = MultiDict([("attempt", hidden(page, "attempt")), ("token", hidden(page, "token"))])
    for question in attempt.questions:
        data.add(question["key"], "true")
    response = client.post(CHECK + "quiz", data=data)
    db.session.expire_all()
    graded = db.session.get(QuizAttempt, attempt.id)
    assert graded is not None and graded.score_percent == 100 and graded.passed
    assert len(graded.results or {}) == 3
    result = client.get(response.headers["Location"]).text
    assert result.count('class="review-item') == 3
    for text in expected:
        assert text in result


def test_switching_language_keeps_the_draw(
    package: Path, runner: FlaskCliRunner, app: Flask,  # noqa: F811
    make_user: Callable[..., User],
) -> None:
    path = write_quiz(package.parent, "pass_mark: 60\nattempts: 0\nshow_answers: after_pass\n"
                      "draw: 3\n", 10)
    path.with_name("02-check.quiz.it.md").write_text("---\ntitle: Pool\n---\n" + "".join(
        f"## L'affermazione {n} è vera.\nType: true-false\nAnswer: true\n\n"
        for n in range(1, 11)))
    assert "updated: sample-course" in runner.invoke(args=["courses", "sync"]).output
    learner = make_user()
    client = logged_in(app, learner)
    client.get(CHECK)
    english = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == learner.id))
    assert english is not None and english.language == "en"
    drawn, seed = [q["key"] for q in english.questions], english.seed
    client.post("/language", data={"language": "it"})
    assert "affermazione" in client.get(CHECK).text
    db.session.expire_all()
    italian = db.session.get(QuizAttempt, english.id)
    assert italian is not None and italian.language == "it" and italian.seed == seed
    assert [q["key"] for q in italian.questions] == drawn
