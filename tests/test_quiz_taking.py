"""Learners take quizzes in the browser: forms, grading on the server, results, completion."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from lms.auth.models import User
from lms.courses.models import Item
from lms.db import db, utcnow
from lms.progress.models import ItemCompletion
from lms.quizzes import errors, services, snapshot
from lms.quizzes.models import QuizAttempt
from lms.signals import quiz_submitted

DATA = Path(__file__).parent / "data" / "packages"
QUIZ_COURSES = DATA / "quiz-course"
EVERY = "/courses/every-type/all/every-type/"
CHECK = "/courses/sample-course/basics/check/"
LESSON_QUIZ = "/courses/sample-course/further/with-a-quiz/"
FIRST_LESSON = "/courses/sample-course/basics/first-lesson/"


def sync_dir(path: Path) -> None:
    """Load the packages under ``path`` next to those already synced."""
    from flask import current_app

    from lms.courses.sync import load_packages, sync_courses

    specs, problems = load_packages(
        [path], question_types=current_app.extensions["lms"].question_types)
    assert not [p for p in problems if p.is_error], problems
    sync_courses(specs, now=utcnow(), withdraw_missing=False)


@pytest.fixture
def learner(make_user: Callable[..., User], login: Callable[[User], None], synced: None) -> User:
    user = make_user()
    login(user)
    return user


@pytest.fixture
def every_type(synced: None) -> None:
    sync_dir(QUIZ_COURSES)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def open_attempt(user: User, url_slug: str) -> QuizAttempt:
    item = db.session.scalar(select(Item).where(Item.slug == url_slug))
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.item_id == item.id,
        QuizAttempt.submitted_at.is_(None)))
    assert attempt is not None
    return attempt


def perfect(question: dict[str, Any]) -> list[str]:
    """The posted values that answer a snapshot question fully (as a learner would click)."""
    config, view, kind = question["config"], question["view"], question["type"]
    if kind == "single":
        return [next(f"o{i + 1}" for i, o in enumerate(config["options"]) if o["correct"])]
    if kind == "multiple":
        return [f"o{i + 1}" for i, o in enumerate(config["options"]) if o["correct"]]
    if kind == "true-false":
        return ["true" if config["answer"] else "false"]
    if kind == "short":
        return [config["answers"][-1].upper()]  # case is ignored
    if kind == "numeric":
        return [str(config["answer"]).replace(".", ",")]  # Italian decimal comma
    if kind == "ordering":
        return [f"o{i + 1}" for i in range(len(config["items"]))]
    if kind == "matching":
        rights: list[str] = []
        for pair in config["pairs"]:
            if pair["right"] not in rights:
                rights.append(pair["right"])
        return [f"r{rights.index(config['pairs'][int(left['value'][1:]) - 1]['right']) + 1}"
                for left in view["left"]]
    if kind == "cloze":
        return [alternatives[-1] for alternatives in config["blanks"]]
    if kind == "reflection":
        return ["The supermarket, I think: it sets the price."]
    raise AssertionError(kind)


def form_data(page: str, answers: dict[str, list[str]]) -> MultiDict[str, str]:
    data: MultiDict[str, str] = MultiDict(
        [("attempt", hidden(page, "attempt")), ("token", hidden(page, "token"))])
    for key, values in answers.items():
        for value in values:
            data.add(key, value)
    return data


def take(client: FlaskClient, user: User, url: str, slug: str,
         choose: Callable[[dict[str, Any]], list[str]] = perfect) -> Any:
    """Open the quiz page and post the answers ``choose`` gives for each question."""
    page = client.get(url)
    assert page.status_code == 200
    attempt = open_attempt(user, slug)
    answers = {q["key"]: choose(q) for q in attempt.questions}
    return client.post(url + "quiz", data=form_data(page.text, answers))


def count_attempts(**where: Any) -> int:
    query = select(func.count(QuizAttempt.id))
    for name, value in where.items():
        query = query.where(getattr(QuizAttempt, name) == value)
    return db.session.scalar(query) or 0


# --- taking every type -------------------------------------------------------------------


def test_form_uses_native_labelled_controls(client: FlaskClient, learner: User,
                                            every_type: None) -> None:
    page = client.get(EVERY).text
    assert page.count("<h1>") == 1
    # radio groups and multi-slot questions: one fieldset with the prompt as legend each
    assert page.count("<fieldset") == 6 and page.count("<legend>") == 6
    assert 'type="radio"' in page and 'type="checkbox"' in page
    # The number question asks phones for the decimal keypad on its own input.
    assert 'inputmode="decimal"' in _tag(page, "q5")
    assert 'type="number"' not in page
    assert "<textarea" in page and "Your teacher can read this answer" in page
    for control in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
        assert (f'for="{control}"' in page or 'aria-label' in _tag(page, control)), control
    assert 'aria-describedby="None"' not in page


def _tag(page: str, control_id: str) -> str:
    match = re.search(rf'<[^>]*\bid="{re.escape(control_id)}"[^>]*>', page)
    return match.group(0) if match else ""


def test_learner_takes_every_type_and_sees_feedback(client: FlaskClient, learner: User,
                                                    every_type: None) -> None:
    received: list[dict[str, Any]] = []

    def on_submit(sender: Flask, **kwargs: Any) -> None:
        received.append(kwargs)

    quiz_submitted.connect(on_submit)
    try:
        response = take(client, learner, EVERY, "every-type")
    finally:
        quiz_submitted.disconnect(on_submit)
    assert response.status_code == 302
    assert response.headers["Location"] == EVERY + "attempts/1"
    result = client.get(response.headers["Location"])
    assert result.status_code == 200
    text = result.text
    assert "Your result: 100%" in text and "Passed" in text and 'role="status"' in text
    assert "General Assembly votes on how to use the Premium" in text  # explanation
    assert "Yes: the General Assembly votes." in text  # option feedback
    assert "The Minimum Price is a floor" in text
    assert "The supermarket, I think" in text and "Your teacher can read this answer." in text
    assert "1.8" in text  # the numeric answer "1,80" was read as 1.80
    assert "Module complete: <bdi>All the types</bdi>" in text
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.score_percent == 100 and attempt.passed and attempt.number == 1
    assert attempt.answers["q5"] == pytest.approx(1.8)
    assert db.session.scalar(select(func.count(ItemCompletion.id))) == 1
    assert received == [{"user_id": learner.id, "item_id": attempt.item_id,
                         "attempt_id": attempt.id, "passed": True}]
    course = client.get("/courses/every-type/").text
    assert "Module complete" in course


def test_wrong_partial_and_missing_answers_are_explained(client: FlaskClient, learner: User,
                                                         every_type: None) -> None:
    def some(question: dict[str, Any]) -> list[str]:
        if question["type"] == "multiple":  # one of two right options: half the points
            return perfect(question)[:1]
        if question["type"] == "true-false":
            return ["true"]
        if question["type"] in ("single", "numeric", "short"):
            return []
        return perfect(question)

    response = take(client, learner, EVERY, "every-type", some)
    text = client.get(response.headers["Location"]).text
    # 8 graded: ordering, matching, cloze right, multiple half, the rest 0: 3.5 / 8 = 43.75%,
    # shown rounded down (lms.percent)
    assert "Your result: 43%" in text and "Not passed yet" in text
    assert "You need 60% to pass." in text
    assert "Partly correct: 50%" in text and "Not correct" in text
    assert "Not answered (these score 0):" in text and text.count("Not answered</p>") == 3
    assert "Right answer" in text and "Altromercato / Altro Mercato" in text
    assert "Try again" in text and "unlimited attempts" in text


def test_numeric_answer_that_is_not_a_number_is_a_clear_error(
        client: FlaskClient, learner: User, every_type: None) -> None:
    page = client.get(EVERY).text
    response = client.post(EVERY + "quiz", data=form_data(page, {"q5": ["1,8,0"]}))
    assert response.status_code == 400
    assert "Write a number, like 1.80 or 1,80." in response.text
    assert 'value="1,8,0"' in response.text  # what the learner typed is kept
    assert count_attempts(submitted_at=None) == 1 and count_attempts() == 1


@pytest.mark.parametrize(("language", "typed", "asked", "stored"), [
    ("en", "1.800", "“1.800” can be read in two ways. Write 1800 or 1.8, whichever you mean.",
     None),
    ("it", "1,800", "“1,800” si può leggere in due modi. Scrivi 1800 o 1,8", None),
    ("it", "1.800", None, 1800.0),  # Italian thousands: a wrong answer, graded as such
    ("en", "1,800", None, 1800.0),
    ("it", "1,80", None, 1.8),
])
def test_numbers_are_read_in_the_page_language(
        client: FlaskClient, learner: User, every_type: None, language: str, typed: str,
        asked: str | None, stored: float | None) -> None:
    client.post("/language", data={"language": language, "next": "/courses/"})
    page = client.get(EVERY).text
    response = client.post(EVERY + "quiz", data=form_data(page, {"q5": [typed]}))
    if asked:
        assert response.status_code == 400 and asked in response.text
        assert count_attempts(submitted_at=None) == 1 and count_attempts() == 1
    else:
        assert response.status_code == 302
        assert open_attempt_answers(learner)["q5"] == pytest.approx(stored)


def open_attempt_answers(user: User) -> dict[str, Any]:
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id))
    assert attempt is not None and attempt.submitted_at is not None
    return attempt.answers


def test_passing_the_module_quiz_completes_the_module(client: FlaskClient,
                                                      learner: User) -> None:
    client.post(FIRST_LESSON + "complete")
    course = client.get("/courses/sample-course/").text
    assert "quiz not taken yet" in course
    response = take(client, learner, CHECK, "check")
    result = client.get(response.headers["Location"]).text
    assert "Your result: 100%" in result and "Module complete: <bdi>The basics</bdi>" in result
    assert 'rel="next"' in result and "Next: <bdi>A lesson that ends with a quiz</bdi>" in result
    course = client.get("/courses/sample-course/").text
    assert "Module complete" in course and "quiz not" not in course
    assert "You have completed this page." in client.get(CHECK).text


def test_failed_quiz_shows_score_against_pass_mark(client: FlaskClient, learner: User) -> None:
    def wrong(question: dict[str, Any]) -> list[str]:
        if question["type"] == "true-false":
            return ["true"]
        return [next(f"o{i + 1}" for i, o in enumerate(question["config"]["options"])
                     if not o["correct"])]

    take(client, learner, CHECK, "check", wrong)
    course = client.get("/courses/sample-course/").text
    assert "quiz not passed: 0% of 50%" in course
    page = client.get(CHECK).text
    assert "Your best score: 0%." in page and "You have 1 attempt left." in page


def test_lesson_with_quiz_shows_form_below_text_and_after_pass_answers(
        client: FlaskClient, learner: User) -> None:
    page = client.get(LESSON_QUIZ).text
    assert page.index("Some text, then a list") < page.index('id="quiz"')
    assert "Quiz: <bdi>A lesson that ends with a quiz</bdi>" in page
    response = client.post(LESSON_QUIZ + "quiz", data=form_data(page, {"q1": ["5"]}))
    text = client.get(response.headers["Location"]).text
    assert "Your result: 0%" in text
    assert "shown once you pass this quiz" in text and "Right answer" not in text
    response = take(client, learner, LESSON_QUIZ, "with-a-quiz")
    assert response.headers["Location"].endswith("/attempts/2")
    text = client.get(response.headers["Location"]).text
    assert "Your result: 100%" in text and "shown once you pass" not in text
    # once passed, the first attempt's answers are revealed too
    assert "Right answer" in client.get(LESSON_QUIZ + "attempts/1").text


def test_never_show_answers(client: FlaskClient, learner: User) -> None:
    item = db.session.scalar(select(Item).where(Item.slug == "check"))
    item.quiz_settings = {**item.quiz_settings, "show_answers": "never"}
    db.session.commit()
    response = take(client, learner, CHECK, "check")
    text = client.get(response.headers["Location"]).text
    assert "does not show the right answers" in text
    assert "General Assembly" not in text and "Right answer" not in text


# --- answers never reach the page --------------------------------------------------------


@pytest.mark.parametrize("logged_in", [True, False])
def test_answer_keys_are_never_in_the_page(client: FlaskClient, make_user: Callable[..., User],
                                           login: Callable[[User], None], every_type: None,
                                           logged_in: bool) -> None:
    if logged_in:
        login(make_user())
    page = client.get(EVERY).text
    for secret in ("Altromercato", "Altro Mercato", "1.8", "1,8", "[[", "Minimum Price]]",
                   "General Assembly", "the shop never touches", "correct", "Explanation",
                   "The Minimum Price is a floor", "Premium|"):
        assert secret not in page, secret
    for cloze_answer in ("Minimum Price", "Fairtrade Premium"):
        # the prompt of another question names "Minimum Price": never inside the cloze
        cloze = re.search(r'class="lms-cloze">(.*?)</div>', page, re.S)
        assert cloze is not None and cloze_answer not in cloze.group(1)
    # ordering items are never listed in their authored (answer) order
    ordering = re.search(r'class="lms-ordering">(.*?)</ol>', page, re.S)
    assert ordering is not None
    first_select = re.search(r"<select.*?</select>", ordering.group(1), re.S).group(0)
    texts = re.findall(r'<option value="o\d">([^<]+)</option>', first_select)
    assert texts and texts != ["Edna Ruth Byler sells needlework from Puerto Rico",
                               "The first world shop opens in Breukelen",
                               "The Max Havelaar label is launched"]


def test_anonymous_sees_questions_and_a_login_link(client: FlaskClient, synced: None) -> None:
    page = client.get(CHECK)
    assert page.status_code == 200
    assert "Who decides how the Fairtrade Premium is spent?" in page.text
    assert "Log in to take the quiz" in page.text and "/account/login?next=" in page.text
    assert 'name="token"' not in page.text and "Send my answers" not in page.text
    assert "<fieldset disabled" in page.text
    response = client.post(CHECK + "quiz", data={"q1": "o1"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert count_attempts() == 0


# --- idempotence and bad input -----------------------------------------------------------


def test_double_submitted_form_records_one_attempt(client: FlaskClient, learner: User) -> None:
    page = client.get(CHECK).text
    attempt = open_attempt(learner, "check")
    data = form_data(page, {q["key"]: perfect(q) for q in attempt.questions})
    first = client.post(CHECK + "quiz", data=data)
    second = client.post(CHECK + "quiz", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == CHECK + "attempts/1"
    assert count_attempts() == 1 and count_attempts(number=1) == 1
    assert db.session.scalar(select(func.count(ItemCompletion.id))) == 1


def test_concurrent_post_that_loses_the_race_shows_the_winners_result(
        app: Flask, learner: User, client: FlaskClient) -> None:
    client.get(CHECK)
    attempt = open_attempt(learner, "check")
    token = snapshot.form_token(attempt)
    answers = {q["key"]: perfect(q) for q in attempt.questions}
    # Another request grades the attempt after ours has loaded it but before it writes.
    with db.engine.begin() as connection:
        connection.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id).values(
            submitted_at=utcnow(), score_percent=50.0, passed=True, answers={}, results={}))
    result = services.submit_attempt(attempt.id, learner.id, answers, submission_token=token,
                                     now=utcnow())
    assert not result.newly_submitted and result.score_percent == 50.0
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).score_percent == 50.0


@pytest.mark.parametrize("tamper", [
    {"q1": ["o99"]},
    {"q1": ["o1", "o2"]},
    {"q2": ["maybe"]},
])
def test_tampered_values_are_refused_and_nothing_is_written(
        client: FlaskClient, learner: User, tamper: dict[str, list[str]]) -> None:
    page = client.get(CHECK).text
    response = client.post(CHECK + "quiz", data=form_data(page, tamper))
    assert response.status_code == 400
    assert "Your answers were not sent" in response.text
    assert "not one of the choices offered" in response.text
    # The refused question is marked, and its message is tied to its group of choices.
    key = next(iter(tamper))
    assert f'<li class="question field-error" id="question-{key}">' in response.text
    assert f'<p class="error" id="{key}-error">' in response.text
    assert re.search(rf'<fieldset aria-describedby="[^"]*\b{key}-error\b', response.text)
    attempt = open_attempt(learner, "check")
    assert attempt.answers is None and attempt.submitted_at is None
    assert count_attempts() == 1


def test_unknown_question_ids_are_refused(client: FlaskClient, learner: User) -> None:
    page = client.get(CHECK).text
    response = client.post(CHECK + "quiz", data=form_data(page, {"q1": ["o1"], "q99": ["x"]}))
    assert response.status_code == 400
    assert "questions that are not in this quiz" in response.text
    assert open_attempt(learner, "check").answers is None


def test_empty_submission_is_refused(client: FlaskClient, learner: User) -> None:
    page = client.get(CHECK).text
    response = client.post(CHECK + "quiz", data=form_data(page, {"q1": [""]}))
    assert response.status_code == 400
    assert "You have not answered any question yet" in response.text
    assert count_attempts(submitted_at=None) == 1 and count_attempts() == 1


def test_other_learners_attempts_are_not_reachable(
        client: FlaskClient, learner: User, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    take(client, learner, CHECK, "check")
    assert client.get(CHECK + "attempts/1").status_code == 200
    client.get(CHECK)  # the learner opens a second attempt and leaves it unanswered
    theirs = open_attempt(learner, "check")
    theirs_id = theirs.id
    login(make_user())
    assert client.get(CHECK + "attempts/1").status_code == 404
    assert client.get(CHECK + "attempts/99").status_code == 404
    mine = client.get(CHECK).text
    data = form_data(mine, {"q1": ["o1"]})
    data["attempt"] = str(theirs_id)
    assert client.post(CHECK + "quiz", data=data).status_code == 404
    # Their open attempt is untouched: no answers written, not submitted.
    db.session.expire_all()
    theirs = db.session.get(QuizAttempt, theirs_id)
    assert theirs.user_id == learner.id
    assert theirs.answers is None and theirs.submitted_at is None
    assert client.get(FIRST_LESSON + "attempts/1").status_code == 404  # not a quiz


def test_attempts_over_the_limit(client: FlaskClient, learner: User) -> None:
    take(client, learner, CHECK, "check")
    take(client, learner, CHECK, "check")
    assert count_attempts() == 2
    page = client.get(CHECK)
    assert page.status_code == 200
    assert "You have used all 2 attempts at this quiz." in page.text
    assert 'name="token"' not in page.text and "See your last result" in page.text
    assert count_attempts() == 2  # no third attempt was opened
    response = client.post(CHECK + "quiz", data={"q1": "o1"})
    assert response.status_code == 403
    assert "You have used all 2 attempts at this quiz." in response.text
    assert "Back to the quiz page" in response.text
    result = client.get(CHECK + "attempts/2").text
    assert "0 attempts left" in result and "Try again" not in result
    with pytest.raises(errors.AttemptsExhausted):
        item = db.session.scalar(select(Item).where(Item.slug == "check"))
        services.start_or_resume_attempt(learner.id, item.id, language="en", now=utcnow())


# --- content changes ---------------------------------------------------------------------


@pytest.fixture
def editable(tmp_path: Path, app: Flask) -> Iterator[Path]:
    """A copy of the sample package on disk, synced; edit a file and call sync_dir again."""
    root = tmp_path / "packages"
    shutil.copytree(DATA / "good", root)
    sync_dir(root)
    yield root / "sample-course" / "01-basics" / "02-check.quiz.md"


def test_quiz_changed_between_form_and_submit(client: FlaskClient, editable: Path,
                                              make_user: Callable[..., User],
                                              login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    page = client.get(CHECK).text
    old = open_attempt(user, "check")
    answers = {q["key"]: perfect(q) for q in old.questions}
    editable.write_text(editable.read_text().replace("The supermarket", "The big supermarket"))
    sync_dir(editable.parents[2])
    # In progress, the learner stays on the version they started; moving to the new version
    # and opening the quiz again (in another tab, say) rebuilds the attempt under the open
    # form. (Without that reopening, the old form is graded by the questions it showed:
    # see tests/test_course_versions.py.)
    from lms.progress.services import move_to_current_release

    move_to_current_release(user.id, old.course_id, now=utcnow())
    assert "The big supermarket" in client.get(CHECK).text
    response = client.post(CHECK + "quiz", data=form_data(page, answers))
    assert response.status_code == 302 and response.headers["Location"] == CHECK + "#quiz"
    fresh = client.get(CHECK).text
    assert "This quiz was updated after you opened it" in fresh
    assert "The big supermarket" in fresh
    assert hidden(fresh, "token") != hidden(page, "token")
    attempt = open_attempt(user, "check")
    assert attempt.answers is None and count_attempts() == 1


def test_editing_a_quiz_later_keeps_past_results(client: FlaskClient, editable: Path,
                                                 make_user: Callable[..., User],
                                                 login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    take(client, user, CHECK, "check")
    before = client.get(CHECK + "attempts/1").text
    assert "Your result: 100%" in before
    # The author swaps the right answer and rewrites the question.
    text = editable.read_text()
    text = text.replace("- [ ] The supermarket", "- [x] The shop").replace(
        "- [x] The producers, together", "- [ ] The producers, together")
    editable.write_text(text.replace("Who decides", "Who really decides"))
    editable.with_name("02-check.quiz.it.md").unlink()  # its key would now differ (an error)
    sync_dir(editable.parents[2])
    after = client.get(CHECK + "attempts/1").text
    assert "Your result: 100%" in after and "Who decides how" in after
    assert "Who really decides" not in after and "The shop" not in after
    stored = db.session.scalar(select(QuizAttempt).where(QuizAttempt.number == 1))
    assert stored.score_percent == 100 and stored.passed


# --- scores on the course page ------------------------------------------------------------


def test_best_scores_in_one_query(app: Flask, learner: User, client: FlaskClient) -> None:
    def wrong(question: dict[str, Any]) -> list[str]:
        return ["true"] if question["type"] == "true-false" else perfect(question)

    take(client, learner, CHECK, "check", wrong)
    take(client, learner, CHECK, "check")
    take(client, learner, LESSON_QUIZ, "with-a-quiz", lambda q: ["7"])
    item_ids = dict(db.session.execute(select(Item.slug, Item.id)).all())
    course_id = db.session.scalar(select(Item.course_id).where(Item.slug == "check"))
    with count_queries() as statements:
        scores = services.best_scores(learner.id, course_id)
    assert len(statements) == 1
    assert scores == {item_ids["check"]: 100.0, item_ids["with-a-quiz"]: 0.0}


def test_attempt_is_in_the_learners_language_and_follows_a_switch(
        client: FlaskClient, learner: User) -> None:
    italian = client.get(CHECK, headers={"Accept-Language": "it"}).text
    assert "Chi decide come spendere il Premio Fairtrade?" in italian
    attempt = open_attempt(learner, "check")
    assert attempt.language == "it"
    english = client.get(CHECK, headers={"Accept-Language": "en"}).text
    assert "Who decides how the Fairtrade Premium is spent?" in english
    db.session.expire_all()
    assert open_attempt(learner, "check").language == "en" and count_attempts() == 1
    # the Italian form is now stale: posting it asks for the fresh one instead of grading
    response = client.post(CHECK + "quiz", data=form_data(italian, {"q1": ["o1"]}))
    assert response.status_code == 302 and count_attempts(submitted_at=None) == 1


def test_expired_form_writes_nothing_and_goes_back(app: Flask, client: FlaskClient,
                                                   learner: User) -> None:
    page = client.get(CHECK).text
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(CHECK + "quiz", data=form_data(page, {"q2": ["false"]}))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 302 and response.headers["Location"] == CHECK + "#quiz"
    assert "The form expired" in client.get(CHECK).text
    assert count_attempts(submitted_at=None) == 1 and count_attempts() == 1


# --- mixed-direction text: an English quiz on an Arabic page ------------------------------


def test_arabic_learner_sees_the_english_quiz_marked_as_english(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        synced: None) -> None:
    """Untranslated questions keep their own language and direction inside the Arabic page,
    so "Who decides …?" does not end with its question mark on the wrong side."""
    learner = make_user(language="ar")
    login(learner)
    page = client.get(CHECK).text
    assert '<html lang="ar" dir="rtl">' in page
    assert ('<span class="question-prompt" lang="en" dir="ltr">Who decides how the Fairtrade '
            'Premium is spent?</span>') in page
    assert '<ul class="choices" lang="en" dir="ltr">' in page
    result = client.get(take(client, learner, CHECK, "check").headers["Location"]).text
    assert '<span class="question-prompt" lang="en" dir="ltr">Who decides' in result
    assert ('<p class="review-label">الشرح</p><div lang="en" dir="ltr"><p>In cooperatives the '
            'General Assembly votes.</p></div>') in result
    assert '<bdi lang="en" dir="ltr">Check your understanding</bdi>' in result
    # "Next" points the way an Arabic reader goes, and the English title is isolated.
    assert ('<bdi>A lesson that ends with a quiz</bdi> <span aria-hidden="true">←</span></a>'
            in result)


@pytest.mark.parametrize(("language", "separator"), [("en", ", "), ("it", ", "), ("ar", "، ")])
def test_unanswered_questions_are_listed_with_the_page_languages_separator(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        every_type: None, language: str, separator: str) -> None:
    learner = make_user(language=language)
    login(learner)
    page = client.get(EVERY).text
    first = open_attempt(learner, "every-type").questions[0]
    response = client.post(EVERY + "quiz", data=form_data(page, {first["key"]: perfect(first)}))
    result = client.get(response.headers["Location"]).text
    assert f'</a>{separator}<a href="#review-' in result
    if language == "ar":
        assert '<div class="question-slots" lang="en" dir="ltr"><ul id=' in page  # matching


def test_true_false_choices_stay_in_the_page_language(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        synced: None) -> None:
    """"True"/"False" are the interface's words (translated), so they are not marked English
    like the question above them."""
    login(make_user(language="ar"))
    page = client.get(CHECK).text
    prompt = ('<span class="question-prompt" lang="en" dir="ltr">Fair trade coffee always '
              'pays exactly the Minimum Price.</span>')
    assert prompt in page
    assert '<ul class="choices">' in page.split(prompt)[1]
