"""Rendered handouts, kept in the database so every app server shares them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms.db import db, utcnow


class Handout(db.Model):  # type: ignore[name-defined,misc]
    """One PDF of one module: the students' handout or the teacher's answer key, in one
    language, for one version of the document.

    ``version`` is a hash of the printed HTML and of the images it shows, so a change to a
    lesson, a question, an image, a title, a translation or the layout gives a new version;
    rows of older versions are removed when a new one is stored.
    """

    __tablename__ = "lms_handout"
    __table_args__ = (UniqueConstraint("module_id", "kind", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_module.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "handout" | "answers"
    language: Mapped[str] = mapped_column(String(8))
    version: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Handout module={self.module_id} {self.kind} {self.language}>"
