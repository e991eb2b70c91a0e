"""A teacher's class, its members and what it was assigned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import db, utcnow


class SchoolClass(db.Model):  # type: ignore[name-defined,misc]
    """A group of students run by one teacher, joined with a short code.

    A teacher may run several classes on the same course (different sections or dates).
    Archived classes keep their records but can no longer be joined.
    """

    __tablename__ = "lms_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("lms_user.id", ondelete="CASCADE"), index=True
    )
    # The course the class mostly works on: the dashboard opens on it.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("lms_course.id", ondelete="SET NULL"))
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<SchoolClass {self.id} {self.name!r} {self.join_code}>"


class ClassMember(db.Model):  # type: ignore[name-defined,misc]
    """A student in a class."""

    __tablename__ = "lms_class_member"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_class.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ClassMember class={self.class_id} user={self.user_id}>"


class Assignment(db.Model):  # type: ignore[name-defined,misc]
    """A course (``module_id`` None) or one module of it, assigned to a class."""

    __tablename__ = "lms_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("lms_class.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("lms_module.id", ondelete="CASCADE"))
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        target = f"module={self.module_id}" if self.module_id else "whole course"
        return f"<Assignment class={self.class_id} course={self.course_id} {target}>"


class ClassTeacher(db.Model):  # type: ignore[name-defined,misc]
    """A co-teacher: another teacher of the class, with the same rights as its teacher
    (``SchoolClass.teacher_id``, who made it) on its pages. LTI classes get one for every
    instructor of the platform's course after the first."""

    __tablename__ = "lms_class_teacher"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_class.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ClassTeacher class={self.class_id} user={self.user_id}>"
