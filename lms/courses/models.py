"""Course content as synced from the packages: texts are stored rendered, per language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import db, utcnow


class Course(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "lms_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    default_language: Mapped[str] = mapped_column(String(8))
    languages: Mapped[list[str]] = mapped_column(db.JSON)
    version: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(100), default="")
    authors: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    certificate_enabled: Mapped[bool] = mapped_column(default=False)
    estimated_minutes: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_dir: Mapped[str] = mapped_column(String(1000))
    # A course removed from disk stays in the database so learners keep their records.
    available: Mapped[bool] = mapped_column(default=True)
    # The release learners starting now get (see CourseRelease); 0 before the first sync.
    current_release: Mapped[int] = mapped_column(default=0)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    texts: Mapped[list[CourseText]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )
    modules: Mapped[list[Module]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="Module.position"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug!r} v{self.version}>"


class CourseText(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "lms_course_text"
    __table_args__ = (UniqueConstraint("course_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    teacher_guide_title: Mapped[str | None] = mapped_column(String(200))
    teacher_guide_html: Mapped[str | None] = mapped_column(Text)
    # Front matter said ``review: awaiting`` with no ``reviewed_by``: the course page says so.
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())

    course: Mapped[Course] = relationship(back_populates="texts")

    def __repr__(self) -> str:
        return f"<CourseText {self.course_id} {self.language}>"


class Module(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "lms_module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    available: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(back_populates="modules")
    texts: Mapped[list[ModuleText]] = relationship(cascade="all, delete-orphan")
    items: Mapped[list[Item]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="Item.position"
    )

    def __repr__(self) -> str:
        return f"<Module {self.slug!r}>"


class ModuleText(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "lms_module_text"
    __table_args__ = (UniqueConstraint("module_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_module.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<ModuleText {self.module_id} {self.language}>"


class Item(db.Model):  # type: ignore[name-defined,misc]
    """A lesson or a quiz: one page of a module."""

    __tablename__ = "lms_item"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_module.id", ondelete="CASCADE"))
    # Denormalised so progress queries per course need no join through modules.
    course_id: Mapped[int] = mapped_column(
        ForeignKey("lms_course.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    estimated_minutes: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    quiz_settings: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)
    # Whether completing this item is needed for the module: lessons always, quizzes when
    # marked required. Stored at sync so progress queries need not read the JSON settings.
    required: Mapped[bool] = mapped_column(default=True)
    available: Mapped[bool] = mapped_column(default=True)

    module: Mapped[Module] = relationship(back_populates="items")
    texts: Mapped[list[ItemText]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Item {self.kind} {self.slug!r}>"


class ItemText(db.Model):  # type: ignore[name-defined,misc]
    """One language of one item as it was at one content hash.

    Texts of earlier versions are kept: learners pinned to an older release still read them.
    """

    __tablename__ = "lms_item_text"
    __table_args__ = (UniqueConstraint("item_id", "language", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("lms_item.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    html: Mapped[str] = mapped_column(Text, default="")
    # The quiz's questions as parsed (answer keys included): never sent to the browser as is.
    questions: Mapped[list[dict[str, Any]] | None] = mapped_column(db.JSON)
    # Front matter said ``review: awaiting`` with no ``reviewed_by``: the page says so.
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<ItemText {self.item_id} {self.language}>"


@event.listens_for(ItemText, "before_insert")
def _text_of_current_content(mapper: Any, connection: Any, text: ItemText) -> None:
    """A text written without a content hash belongs to its item's current content."""
    if not text.content_hash:
        text.content_hash = connection.scalar(
            select(Item.content_hash).where(Item.id == text.item_id)) or ""


class CourseRelease(db.Model):  # type: ignore[name-defined,misc]
    """An immutable state of a course: every sync that changes the course makes a new one.

    Learners stay on the release they started until they finish or move on (see
    ``courses/README.md``, "New versions and learners in progress").
    """

    __tablename__ = "lms_course_release"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    number: Mapped[int]
    version_label: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseRelease course={self.course_id} #{self.number}>"


class ReleaseItem(db.Model):  # type: ignore[name-defined,misc]
    """Which items a release has, in which order, at which content hash, with which settings."""

    __tablename__ = "lms_release_item"
    __table_args__ = (UniqueConstraint("release_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("lms_course_release.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("lms_item.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_module.id", ondelete="CASCADE"))
    module_position: Mapped[int]
    position: Mapped[int]
    required: Mapped[bool] = mapped_column(default=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The quiz settings (QuizSettings.to_dict()) in this release, None when not a quiz here:
    # learners pinned to the release are graded by its pass mark, not the current one.
    quiz_settings: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)

    def __repr__(self) -> str:
        return f"<ReleaseItem release={self.release_id} item={self.item_id}>"
