"""Stored certificates and the name a learner wants printed on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms.db import db, utcnow


class Certificate(db.Model):  # type: ignore[name-defined,misc]
    """One learner's certificate for one course, issued once.

    Everything printed is copied in (name, course title and version), so the record still
    verifies years later even if the course changes or the account is deleted. The PDF
    is stored in the row (tens of KB): it is backed up, replicated and deleted together
    with the record, and every app server sees it without a shared disk.
    """

    __tablename__ = "lms_certificate"
    # The database, not the code, guarantees "issued once" under concurrent completion.
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

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

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

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
