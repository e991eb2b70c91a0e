"""What the admin page and ``lms lti scores`` show of the score outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true

from lms.auth.models import User
from lms.courses.models import Course, Module
from lms.db import db
from lms.lti.grade_models import LtiGradeLink, LtiScore, ScoreStatus
from lms.lti.models import LtiRegistration

#: What the admin page lists (a superseded score never needed to arrive).
SHOWN = (ScoreStatus.PENDING, ScoreStatus.FAILED, ScoreStatus.SENT)


@dataclass(frozen=True)
class ScoreLine:
    id: int
    learner: str
    username: str
    platform: str
    course: str
    module: str | None
    lineitem: str
    score: float
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


def counts() -> dict[str, int]:
    """How many scores are in each status (superseded ones are not worth showing)."""
    rows = db.session.execute(select(LtiScore.status, func.count(LtiScore.id))
                              .group_by(LtiScore.status)).all()
    found = {status: int(number) for status, number in rows}
    return {status: found.get(status, 0)
            for status in (ScoreStatus.PENDING, ScoreStatus.FAILED, ScoreStatus.SENT)}


def latest(statuses: tuple[str, ...], *, limit: int = 100,
           user_id: int | None = None) -> list[ScoreLine]:
    """The newest scores in ``statuses`` (of one learner if given), with who, where and
    what went wrong."""
    query = (select(LtiScore, LtiGradeLink, User.display_name, User.username,
                    LtiRegistration.name, Course.slug, Module.slug)
             .join(LtiGradeLink, LtiScore.link_id == LtiGradeLink.id)
             .join(User, LtiGradeLink.user_id == User.id)
             .join(LtiRegistration, LtiGradeLink.registration_id == LtiRegistration.id)
             .join(Course, LtiGradeLink.course_id == Course.id)
             .outerjoin(Module, LtiGradeLink.module_id == Module.id)
             .where(LtiScore.status.in_(statuses),
                    LtiGradeLink.user_id == user_id if user_id is not None else true())
             .order_by(LtiScore.id.desc()).limit(limit))
    return [ScoreLine(score.id, name, username, platform, course, module, link.lineitem,
                      score.score_given, score.status, score.attempts, score.created_at,
                      score.next_attempt_at, score.sent_at, score.last_error)
            for score, link, name, username, platform, course, module
            in db.session.execute(query).all()]


def of_learner(user_id: int) -> list[ScoreLine]:
    """The newest score of each of a learner's graded links (for their teachers' page)."""
    seen: set[tuple[str, str]] = set()
    lines = []
    for line in latest(SHOWN, limit=200, user_id=user_id):
        if (line.platform, line.lineitem) not in seen:
            seen.add((line.platform, line.lineitem))
            lines.append(line)
    return lines
