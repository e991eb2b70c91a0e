"""Who may edit a browser-authored course, and the immutable versions it was published as."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class CourseAuthor(db.Model):  # type: ignore[name-defined,misc]
    """A trainer allowed to edit the draft of ``course_slug``: its ``owner`` or a ``coauthor``.

    Keyed by slug, not course id: a draft exists before its course is first published.
    """

    __tablename__ = "lms_course_author"
    __table_args__ = (UniqueConstraint("course_slug", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # owner | coauthor
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseAuthor {self.course_slug!r} user={self.user_id} {self.role}>"


class CourseVersion(db.Model):  # type: ignore[name-defined,misc]
    """One publication of a course: the whole package as a zip, never changed afterwards."""

    __tablename__ = "lms_course_version"
    __table_args__ = (UniqueConstraint("course_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_course.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[int]  # 1, 2, 3… per course
    label: Mapped[str] = mapped_column(String(40))  # ``version:`` from course.md
    content_hash: Mapped[str] = mapped_column(String(64))
    # The zip (see lms.authoring.packages), loaded only when read: the course page and the
    # version list show every version's number, label and note, never their packages.
    package: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<CourseVersion {self.course_slug!r} #{self.number} ({self.label})>"


class Draft(db.Model):  # type: ignore[name-defined,misc]
    """A browser-authored course's draft, shared by every app server through the database.

    ``revision`` grows with every change to any of its files: a server compares it with the
    revision of its local working copy (``<instance>/authoring/drafts/<slug>/``) and rebuilds
    the copy from :class:`DraftFile` rows when another server changed the draft.
    """

    __tablename__ = "lms_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), unique=True)
    revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<Draft {self.course_slug!r} r{self.revision}>"


class DraftFile(db.Model):  # type: ignore[name-defined,misc]
    """One file of a draft (markdown or an image), keyed by the draft and its path."""

    __tablename__ = "lms_draft_file"
    __table_args__ = (UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("lms_draft.id", ondelete="CASCADE"),
                                          index=True)
    path: Mapped[str] = mapped_column(String(500))  # "01-intro/02-river.md", POSIX
    content_type: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    # Loaded only when read: the comparison with a working copy needs the hashes alone.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    revision: Mapped[int] = mapped_column(default=1)  # of this file: 1 when added
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<DraftFile {self.path!r} r{self.revision}>"


class CourseTakeover(db.Model):  # type: ignore[name-defined,misc]
    """A course authored as files (``courses/`` or an entry point) that the browser now owns.

    ``lms courses sync`` skips the files of a course listed here: its draft and published
    versions win. The row records who took it over, when, and from which folder.
    """

    __tablename__ = "lms_course_takeover"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("lms_user.id", ondelete="SET NULL"))
    source_dir: Mapped[str] = mapped_column(String(1000))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseTakeover {self.course_slug!r}>"
