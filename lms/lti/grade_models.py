"""The grade passback tables (Assignment and Grade Services 2.0): where a learner's scores
go (a line item of a platform) and the outbox of scores on their way there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow

#: The scope a platform grants for posting scores (AGS 2.0).
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class LtiGradeLink(db.Model):  # type: ignore[name-defined,misc]
    """A learner launched a link whose grades go to a platform's line item: their scores for
    that course (or one of its modules) are posted there. Written at each launch."""

    __tablename__ = "lms_lti_grade_link"
    __table_args__ = (UniqueConstraint("registration_id", "user_id", "lineitem"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_registration.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                         index=True)
    #: The platform's id of the learner (the launch's ``sub``): a score's ``userId``.
    subject: Mapped[str] = mapped_column(String(255))
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    #: None: the whole course.
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_module.id", ondelete="CASCADE"))
    lineitem: Mapped[str] = mapped_column(String(1000))
    #: The AGS scopes the platform granted, space-separated.
    scopes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    launched_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoreStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt, or being sent
    SENT = "sent"  # the platform accepted it
    FAILED = "failed"  # refused for good, or given up after LMS_LTI_SCORE_MAX_ATTEMPTS
    SUPERSEDED = "superseded"  # a newer score for the same line item replaced it


class LtiScore(db.Model):  # type: ignore[name-defined,misc]
    """One score for one line item, queued right after the progress it reports and sent
    later (right after the learner's response, or by ``lms lti send-scores``), so a platform
    that is down neither slows the learner nor loses the score."""

    __tablename__ = "lms_lti_score"
    __table_args__ = (Index("ix_lms_lti_score_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_grade_link.id", ondelete="CASCADE"), index=True)
    score_given: Mapped[float]
    score_maximum: Mapped[float] = mapped_column(default=100.0)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    #: The score's ``timestamp``: when the learner earned it (platforms keep the newest).
    scored_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=ScoreStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))

    def __repr__(self) -> str:
        return f"<LtiScore {self.id} {self.status} {self.score_given} attempts={self.attempts}>"
