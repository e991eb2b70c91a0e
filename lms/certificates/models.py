"""Stored certificates and the name a learner wants printed on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, false, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms.db import db, utcnow


class Certificate(db.Model):  # type: ignore[name-defined,misc]
    """One learner's certificate for one course.

    A learner has at most one *current* certificate per course (neither reissued nor
    revoked). A reissue (after a name fix) or a new claim after a correctable revocation
    adds a row and points the old one at it (``replaced_by_id``): old codes keep verifying
    and lead to the new one.

    Everything printed is copied in (name, course title and version), so the record still
    verifies years later even if the course changes or the account is deleted. The PDF
    is stored in the row (tens of KB): it is backed up, replicated and deleted together
    with the record, and every app server sees it without a shared disk.
    """

    __tablename__ = "lms_certificate"
    # The database, not the code, guarantees "one current certificate" under concurrent
    # claims: a partial unique index (SQLite and PostgreSQL both have them).
    __table_args__ = (Index(
        "uq_lms_certificate_current", "user_id", "course_id", unique=True,
        sqlite_where=text("reissued_at IS NULL AND revoked_at IS NULL"),
        postgresql_where=text("reissued_at IS NULL AND revoked_at IS NULL"),
    ),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(14), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("lms_user.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_course.id", ondelete="SET NULL"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(100))
    printed_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    course_version: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    completed_at: Mapped[datetime]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Deferred: lists and the verify page never load the bytes.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_rendered_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL")
    )
    #: Revoked for a reason the learner can put right (a wrong name, an administrative
    #: mistake): the course can be claimed again, giving a new certificate.
    revoked_correctable: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Set when a new certificate replaced this one after a name fix.
    reissued_at: Mapped[datetime | None]
    reissued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL")
    )
    #: The certificate issued in place of this one (reissue, or a claim after revocation).
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_certificate.id", ondelete="SET NULL"), index=True
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_reissued(self) -> bool:
        return self.reissued_at is not None

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.reissued_at is None

    def __repr__(self) -> str:
        return f"<Certificate {self.code} user={self.user_id} course={self.course_id}>"


class CertificatePreference(db.Model):  # type: ignore[name-defined,misc]
    """What a learner wants on future certificates: the printed name and the language."""

    __tablename__ = "lms_certificate_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("lms_user.id", ondelete="CASCADE"), primary_key=True
    )
    printed_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CertificatePreference user={self.user_id}>"
