"""Grade passback (AGS 2.0), the learner's side: a launch remembers where scores go, and
progress events queue the score they earn.

A deep link made by our tool carries custom parameters ``lms_course`` (a course id) and
``lms_module`` (a module slug; absent for the whole course) and, when the teacher asked for
grades, a line item: a resource-link launch then brings both, signed by the platform.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.courses.models import Course, Item, Module
from lms.db import db, utcnow
from lms.lti import outbox
from lms.lti.grade_models import SCORE_SCOPE, LtiGradeLink
from lms.lti.tool_config import find_registration
from lms.progress.outline import CourseOutline, course_outline
from lms.quizzes.services import best_scores

log = logging.getLogger(__name__)

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def record_launch(*, issuer: str, client_id: str, user_id: int,
                  claims: dict[str, Any]) -> LtiGradeLink | None:
    """Remember where this launch's scores go, when it names our course (or module) and a
    line item the platform lets us post scores to; queue the score already earned (a
    learner who finished before the teacher asked for grades). A launch without grades,
    or with values we cannot use, is logged and otherwise goes on as usual."""
    target = _grade_target(claims)
    if target is None:
        return None
    course_id, module_id, lineitem, scopes = target
    registration = find_registration(issuer, client_id)
    assert registration is not None  # the launch was validated against it
    now = utcnow()
    link = _find_link(registration.id, user_id, lineitem)
    if link is None:
        link = LtiGradeLink(registration_id=registration.id, user_id=user_id, lineitem=lineitem,
                            subject=str(claims["sub"]), course_id=course_id,
                            module_id=module_id, scopes=scopes, created_at=now,
                            launched_at=now)
        db.session.add(link)
        try:
            db.session.commit()
        except IntegrityError:  # the same launch on another server a moment ago
            db.session.rollback()
            link = _find_link(registration.id, user_id, lineitem)
            assert link is not None
    link.course_id, link.module_id, link.scopes = course_id, module_id, scopes
    link.subject, link.launched_at = str(claims["sub"]), now
    db.session.commit()
    _queue_safely([link], user_id, course_id)
    return link


def _find_link(registration_id: int, user_id: int, lineitem: str) -> LtiGradeLink | None:
    return db.session.scalar(select(LtiGradeLink).where(
        LtiGradeLink.registration_id == registration_id, LtiGradeLink.user_id == user_id,
        LtiGradeLink.lineitem == lineitem))


def _grade_target(claims: dict[str, Any]) -> tuple[int, int | None, str, str] | None:
    """(course id, module id or None, line item URL, scopes) of a launch, or None."""
    custom = claims.get(CUSTOM) or {}
    endpoint = claims.get(AGS_ENDPOINT) or {}
    if not isinstance(custom, dict) or not isinstance(endpoint, dict):
        return None
    lineitem, scopes = endpoint.get("lineitem"), endpoint.get("scope") or []
    if "lms_course" not in custom or not lineitem:
        return None  # not one of our deep links, or no grades asked for
    if not isinstance(scopes, list) or SCORE_SCOPE not in scopes:
        log.warning("LTI launch with line item %s but no score scope: no grades", lineitem)
        return None
    if not isinstance(lineitem, str) or urlsplit(lineitem).scheme not in ("http", "https") \
            or len(lineitem) > 1000:
        log.warning("LTI launch with an unusable line item URL %r: no grades", lineitem)
        return None
    try:
        course_id = int(str(custom["lms_course"]))
    except ValueError:
        log.warning("LTI launch names course %r, not a number: no grades", custom["lms_course"])
        return None
    if db.session.get(Course, course_id) is None:
        log.warning("LTI launch names course %s, which does not exist: no grades", course_id)
        return None
    module_id = None
    if custom.get("lms_module"):
        module_id = db.session.scalar(select(Module.id).where(
            Module.course_id == course_id, Module.slug == str(custom["lms_module"])))
        if module_id is None:
            log.warning("LTI launch names module %r, not in course %s: no grades",
                        custom["lms_module"], course_id)
            return None
    return course_id, module_id, lineitem, " ".join(str(s) for s in scopes)


@dataclass(frozen=True)
class Earned:
    score: float  # 0-100
    complete: bool
    passed_quiz: bool


#: A learner's outline of one course with their best quiz scores, as :func:`earned` reads it.
Standing = tuple[CourseOutline, dict[int, float]]


def earned(link: LtiGradeLink,
           standings: dict[tuple[int, int], Standing | None] | None = None) -> Earned | None:
    """What the learner has earned in the link's module (or course): the mean of their best
    scores in its required quizzes, or 100 once a module without quizzes is complete.
    ``standings`` keeps each (learner, course) outline for other links of the same call."""
    key = (link.user_id, link.course_id)
    standings = {} if standings is None else standings
    if key not in standings:
        standings[key] = _standing(link.user_id, link.course_id)
    found = standings[key]
    if found is None:
        return None
    outline, best = found
    modules = [m for m in outline.modules
               if link.module_id is None or m.module.id == link.module_id]
    if not modules:
        return None
    complete = all(m.progress.complete for m in modules)
    # A quiz is an item with quiz settings (a lesson may end with one).
    quizzes = [entry for m in modules for entry in m.items
               if entry.quiz_settings is not None and entry.item.required]
    passed = any(entry.complete for entry in quizzes)
    if quizzes:
        score = sum(best.get(entry.item.id, 0.0) for entry in quizzes) / len(quizzes)
    else:
        score = 100.0 if complete else 0.0
    return Earned(round(score, 2), complete, passed)


def _standing(user_id: int, course_id: int) -> Standing | None:
    course = db.session.get(Course, course_id)
    if course is None:
        return None
    best = best_scores(user_id, course.id)
    return course_outline(course, language=course.default_language, user_id=user_id,
                          quiz_scores=best), best


def score_links(links: list[LtiGradeLink], *, now: datetime) -> list[int]:
    """Queue the score each link's learner has earned, when there is one to report (the
    module or course complete, or a quiz of it passed); the ids queued. A learner's course
    outline is built once, however many of their links lead into the course."""
    queued = []
    standings: dict[tuple[int, int], Standing | None] = {}
    for link in links:
        result = earned(link, standings)
        if result is None or not (result.complete or result.passed_quiz):
            continue
        # A quiz passed with lessons still to read is graded, but the activity goes on.
        progress = "Completed" if result.complete else "Submitted"
        score_id = outbox.queue_score(link.id, score=result.score, activity=progress,
                                      now=now)
        if score_id is not None:
            queued.append(score_id)
    return queued


def links_for(user_id: int, course_id: int | None, item_id: int | None) -> list[LtiGradeLink]:
    """The grade links an event of this learner in this course (and item's module) feeds.
    One query for a learner without any (most of them)."""
    links = list(db.session.scalars(select(LtiGradeLink).where(
        LtiGradeLink.user_id == user_id)))
    if not links or item_id is None:
        return [link for link in links if link.course_id == course_id]
    course_id, module_id = db.session.execute(
        select(Item.course_id, Item.module_id).where(Item.id == item_id)).one()
    return [link for link in links
            if link.course_id == course_id and link.module_id in (None, module_id)]


# Receivers of lms.signals: each runs in the learner's request (or command), right after the
# progress it reports was committed, and queues what that progress earned.

def on_item_completed(sender: Any, *, user_id: int, item_id: int, course_id: int,
                      **extra: Any) -> None:
    _on_event(user_id, course_id, item_id)


def on_quiz_submitted(sender: Any, *, user_id: int, item_id: int, **extra: Any) -> None:
    _on_event(user_id, None, item_id)


def on_course_completed(sender: Any, *, user_id: int, course_id: int, **extra: Any) -> None:
    _on_event(user_id, course_id, None)


def _on_event(user_id: int, course_id: int | None, item_id: int | None) -> None:
    try:
        links = links_for(user_id, course_id, item_id)
    except Exception:
        db.session.rollback()
        log.exception("could not read the LTI grade links of user %s", user_id)
        return
    if links:
        _queue_safely(links, user_id, course_id)


def _queue_safely(links: list[LtiGradeLink], user_id: int, course_id: int | None) -> None:
    try:
        outbox.send_after_request(score_links(links, now=utcnow()))
    except Exception:
        # The learner's progress is saved; a score is recomputed from it at the next event
        # or launch, so a failure here must not turn their page into an error.
        db.session.rollback()
        log.exception("could not queue the LTI scores of user %s in course %s",
                      user_id, course_id)
