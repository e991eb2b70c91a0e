"""Grade passback (AGS 2.0, lms.lti.grades and lms.lti.outbox), driven by an independent
platform (lti1p3platform, tests/lti_platform.py): its token endpoint checks the tool's signed
assertion against the tool's JWKS, fetched over HTTP from the tool served on a free port, and
its score endpoint is the library's AssignmentsGradesService.

The launch carries what a deep link made by the tool would have put in the platform's link:
custom ``lms_course``/``lms_module`` and the AGS endpoint claim with a line item."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Course
from lms.db import db, utcnow
from lms.lti import grades, outbox, services
from lms.lti.grade_models import LtiGradeLink, LtiScore, ScoreStatus
from tests.lti_platform import Platform, running_platform
from tests.querycount import count_queries
from tests.servers import serving
from tests.test_lti import TOOL, logged_in, start_launch
from tests.test_quiz_taking import CHECK, FIRST_LESSON, take

SUBJECT = "moodle-7"


@pytest.fixture
def tool_server(app: Flask) -> Iterator[str]:
    """The tool over real HTTP on a free port, for the platform to fetch its JWKS."""
    with serving(app) as url:
        yield url


@pytest.fixture
def platform(app: Flask, synced: None, tool_server: str) -> Iterator[Platform]:
    with running_platform() as running:
        # Launches go through the test client; the platform's token endpoint reads the
        # tool's keys from the running server (same app, same database).
        running.point_at(TOOL, jwks_from=tool_server)
        services.create_registration(name="School Moodle", **running.registration_fields())
        yield running


def course_id(slug: str = "sample-course") -> int:
    return db.session.scalar(select(Course.id).where(Course.slug == slug))


def graded_launch(client: FlaskClient, platform: Platform, *, module: str | None = "basics",
                  lineitem: str | None = None, **custom: Any) -> None:
    """A learner opens the activity a deep link made, with grades asked for."""
    platform.launch = {"sub": SUBJECT, "name": "Giulia Rossi",
                       "custom": {"lms_course": str(course_id()), **custom},
                       "lineitem": lineitem or platform.lineitem_url(1)}
    if module:
        platform.launch["custom"]["lms_module"] = module
    response = client.post("/lti/launch", data=start_launch(client, platform))
    assert response.status_code == 302, response.text
    response.close()
    assert logged_in(client)


def learner() -> User:
    link = db.session.scalars(select(LtiGradeLink)).one()
    user = db.session.get(User, link.user_id)
    assert user is not None
    return user


def pass_module(client: FlaskClient) -> None:
    """Read the module's lesson and pass its quiz; each response is closed, as a server
    does once it has sent it (which is when queued scores are sent)."""
    client.post(FIRST_LESSON + "complete").close()
    take(client, learner(), CHECK, "check").close()


def scores() -> list[LtiScore]:
    db.session.expire_all()
    return list(db.session.scalars(select(LtiScore).order_by(LtiScore.id)))


def test_passing_the_module_sends_the_score_to_the_platforms_line_item(
        client: FlaskClient, platform: Platform) -> None:
    graded_launch(client, platform)
    link = db.session.scalars(select(LtiGradeLink)).one()
    assert link.subject == SUBJECT and link.lineitem == platform.lineitem_url(1)
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in link.scopes

    client.post(FIRST_LESSON + "complete").close()
    assert scores() == [] and platform.score_posts == []  # nothing earned yet
    take(client, learner(), CHECK, "check").close()

    score = platform.scores["1"][SUBJECT]
    assert score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    stamp = datetime.fromisoformat(score["timestamp"])
    assert stamp.utcoffset() == timedelta(0) and abs(utcnow() - stamp) < timedelta(minutes=5)
    assert platform.score_content_types == ["application/vnd.ims.lis.v1.score+json"]
    [row] = scores()
    assert row.status == ScoreStatus.SENT and row.attempts == 1 and row.last_error is None


def test_a_learner_who_finished_before_grades_were_asked_gets_the_score_at_launch(
        client: FlaskClient, platform: Platform) -> None:
    graded_launch(client, platform, lineitem=platform.lineitem_url(1))
    pass_module(client)
    # The teacher adds a second graded activity for the same module: the next launch from it
    # posts what the learner has already earned.
    graded_launch(client, platform, lineitem=platform.lineitem_url(2))
    assert platform.scores["2"][SUBJECT]["scoreGiven"] == 100
    assert [row.status for row in scores()] == [ScoreStatus.SENT, ScoreStatus.SENT]


def test_a_platform_that_is_down_gets_the_score_later_from_the_command(
        client: FlaskClient, platform: Platform, runner: FlaskCliRunner) -> None:
    graded_launch(client, platform)
    platform.down = True
    pass_module(client)  # the learner's pages work as usual
    [row] = scores()
    assert row.status == ScoreStatus.PENDING and row.attempts == 1
    assert "HTTP 503" in row.last_error and row.next_attempt_at > utcnow()

    result = runner.invoke(args=["lti", "send-scores"])  # not due yet: left alone
    assert result.exit_code == 0 and "sent 0" in result.output and "1 pending" in result.output
    listed = runner.invoke(args=["lti", "scores"])
    assert "sample-course/basics" in listed.output and "HTTP 503" in listed.output

    platform.down = False
    outbox.send_due(now=utcnow() + timedelta(minutes=2))  # cron, once the backoff is over
    [row] = scores()
    assert row.status == ScoreStatus.SENT and row.attempts == 2
    assert platform.scores["1"][SUBJECT]["scoreGiven"] == 100


def test_a_refused_token_keeps_the_score_with_the_error_until_given_up(
        app: Flask, client: FlaskClient, platform: Platform, runner: FlaskCliRunner) -> None:
    app.config["LMS_LTI_SCORE_MAX_ATTEMPTS"] = 2
    graded_launch(client, platform)
    platform.refuse_tokens = True
    pass_module(client)
    [row] = scores()
    assert row.status == ScoreStatus.PENDING
    assert row.last_error.startswith("access token refused: HTTP 401")

    result = runner.invoke(args=["lti", "send-scores", "--retry-now"])
    assert "failed 1" in result.output, result.output
    [row] = scores()
    assert row.status == ScoreStatus.FAILED and "HTTP 401" in row.last_error
    assert platform.score_posts == []
    listed = runner.invoke(args=["lti", "scores", "--failed"])
    assert "HTTP 401" in listed.output and "given up" in listed.output

    # Once the platform's registration is fixed nothing is stuck: the next score goes.
    platform.refuse_tokens = False
    take(client, learner(), CHECK, "check").close()
    assert platform.scores["1"][SUBJECT]["scoreGiven"] == 100


def test_only_the_newest_queued_score_is_sent(
        app: Flask, client: FlaskClient, platform: Platform, runner: FlaskCliRunner) -> None:
    app.config["LMS_LTI_SEND_AT_ONCE"] = False
    graded_launch(client, platform)
    link = db.session.scalars(select(LtiGradeLink)).one()
    now = utcnow()
    first = outbox.queue_score(link.id, score=50.0, activity="Submitted", now=now)
    second = outbox.queue_score(link.id, score=80.0, activity="Completed", now=now)
    assert outbox.queue_score(link.id, score=80.0, activity="Completed", now=now) is None
    result = runner.invoke(args=["lti", "send-scores"])
    assert "sent 1" in result.output, result.output
    assert [(r.id, r.status) for r in scores()] == [(first, ScoreStatus.SUPERSEDED),
                                                    (second, ScoreStatus.SENT)]
    assert [score["scoreGiven"] for _, score in platform.score_posts] == [80.0]


def test_a_score_being_sent_by_one_server_is_not_sent_by_another(
        app: Flask, client: FlaskClient, platform: Platform) -> None:
    app.config["LMS_LTI_SEND_AT_ONCE"] = False
    graded_launch(client, platform)
    pass_module(client)
    reports: list[outbox.SendReport] = []

    def second_server() -> None:
        # While the first sender's POST is at the platform, another server's cron runs.
        with app.app_context():
            reports.append(outbox.send_due(now=utcnow(), retry_now=True))
            db.session.remove()

    platform.on_score = second_server
    report = outbox.send_due(now=utcnow())
    assert report.sent == 1 and reports[0].sent == 0 and reports[0].pending == 1
    assert len(platform.score_posts) == 1


def test_an_older_score_arriving_late_is_not_applied(
        app: Flask, client: FlaskClient, platform: Platform) -> None:
    app.config["LMS_LTI_SEND_AT_ONCE"] = False
    graded_launch(client, platform)
    link = db.session.scalars(select(LtiGradeLink)).one()
    now = utcnow()
    newer = outbox.queue_score(link.id, score=90.0, activity="Completed", now=now)
    outbox.send_due(now=now)
    # A score from before, still in flight on a server that crashed, retried after it.
    older = LtiScore(link_id=link.id, score_given=40.0, activity_progress="Submitted",
                     grading_progress="FullyGraded", scored_at=now - timedelta(minutes=1),
                     status=ScoreStatus.PENDING, created_at=now, next_attempt_at=now)
    db.session.add(older)
    db.session.commit()
    report = outbox.send_due(now=now)
    assert report.superseded == 1
    assert platform.scores["1"][SUBJECT]["scoreGiven"] == 90.0
    assert {r.id: r.status for r in scores()} == {newer: ScoreStatus.SENT,
                                                 older.id: ScoreStatus.SUPERSEDED}


@pytest.mark.parametrize("custom, lineitem", [
    ({}, None),  # not one of our deep links
    ({"lms_course": "999999"}, "L"),  # no such course
    ({"lms_course": "C", "lms_module": "no-such-module"}, "L"),
    ({"lms_course": "not a number"}, "L"),
    ({"lms_course": "C"}, "ftp://example.org/lineitem"),
])
def test_a_launch_without_usable_grades_still_logs_in_and_records_nothing(
        client: FlaskClient, platform: Platform, custom: dict[str, str],
        lineitem: str | None) -> None:
    custom = {k: str(course_id()) if v == "C" else v for k, v in custom.items()}
    platform.launch = {"sub": SUBJECT, "custom": custom}
    if lineitem:
        platform.launch["lineitem"] = platform.lineitem_url(1) if lineitem == "L" else lineitem
    response = client.post("/lti/launch", data=start_launch(client, platform))
    # Logged in either way; a link to a course or module that is not here gets the page
    # saying so (lms.lti.links) instead of the course.
    unknown = custom.get("lms_course") not in (None, str(course_id())) or "lms_module" in custom
    assert response.status_code == (404 if unknown else 302) and logged_in(client)
    assert db.session.scalars(select(LtiGradeLink)).all() == []


def test_a_course_link_reports_the_mean_of_the_courses_quizzes(
        client: FlaskClient, platform: Platform) -> None:
    graded_launch(client, platform, module=None)
    pass_module(client)
    # The course has another quiz not taken yet: passing this one is graded, not completed.
    score = platform.scores["1"][SUBJECT]
    assert score["activityProgress"] == "Submitted"
    assert 0 < score["scoreGiven"] < 100


def test_two_links_into_one_course_build_the_learners_outline_once(
        client: FlaskClient, platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    graded_launch(client, platform)  # the module, in line item 1
    graded_launch(client, platform, module=None, lineitem=platform.lineitem_url(2))
    built: list[int] = []
    real = grades.course_outline

    def counting(course: Course, **kwargs: Any) -> Any:
        built.append(course.id)
        return real(course, **kwargs)

    links = list(db.session.scalars(select(LtiGradeLink)))
    assert len(links) == 2 and links[0].user_id == links[1].user_id
    client.post(FIRST_LESSON + "complete").close()
    take(client, db.session.get(User, links[0].user_id), CHECK, "check").close()
    assert platform.scores["1"][SUBJECT]["activityProgress"] == "Completed"
    assert platform.scores["2"][SUBJECT]["activityProgress"] == "Submitted"
    monkeypatch.setattr(grades, "course_outline", counting)
    grades.score_links(links, now=utcnow())  # nothing new to queue: same scores
    assert built == [course_id()]  # two links into one course: one outline


def test_learners_without_grade_links_pay_one_query_per_event(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        synced: None) -> None:
    user = make_user()
    login(user)
    course = course_id()
    with count_queries() as queries:
        grades.on_item_completed(None, user_id=user.id, item_id=1, course_id=course)
    assert len(queries) == 1


def test_the_admin_page_shows_each_learners_grades_sent_waiting_and_failed(
        client: FlaskClient, platform: Platform, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    graded_launch(client, platform)
    platform.down = True
    pass_module(client)
    client.post("/account/logout")
    login(make_user(role="admin"))
    page = client.get("/admin/lti/")
    assert page.status_code == 200
    text = page.text
    assert "Grades sent to the platforms" in text
    assert "Sent: 0" in text and "Waiting: 1" in text and "Failed: 0" in text
    assert "Giulia Rossi" in text and "sample-course/basics" in text
    assert "Waiting: next try" in text and "HTTP 503" in text and "100 / 100" in text

    platform.down = False
    outbox.send_due(now=utcnow(), retry_now=True)
    text = client.get("/admin/lti/").text
    assert "Sent: 1" in text and "Waiting: 0" in text and "Sent on" in text


@pytest.mark.parametrize("lineitem, scores_at", [
    ("https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1",
     "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1"),
    ("https://canvas.example/api/lti/courses/1/line_items/7/",
     "https://canvas.example/api/lti/courses/1/line_items/7/scores"),
])
def test_the_score_service_is_the_line_item_path_plus_scores(lineitem: str,
                                                             scores_at: str) -> None:
    from lms.lti.ags import scores_url

    assert scores_url(lineitem) == scores_at


def test_the_teacher_sees_a_students_grades_on_their_page_in_the_class(
        client: FlaskClient, platform: Platform, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    from lms.classes.services import create_class, join_class

    graded_launch(client, platform)
    platform.down = True
    pass_module(client)
    student = learner()
    teacher = make_user(role="teacher")
    school_class = create_class(teacher.id, "3B", course_id(), now=utcnow())
    join_class(student.id, school_class.join_code, now=utcnow())
    client.post("/account/logout")
    login(teacher)
    page = client.get(f"/teach/classes/{school_class.id}/students/{student.id}/").text
    assert "Grades sent to the platforms" in page
    assert "School Moodle" in page and "sample-course/basics" in page
    assert "Waiting: next try" in page and "HTTP 503" in page
