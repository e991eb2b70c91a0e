"""Who teaches a class: the teacher who made it (``SchoolClass.teacher_id``) and its
co-teachers (:class:`ClassTeacher`). Every ownership check of the class pages goes through
:func:`taught_by`, so a co-teacher has the same rights as the class's teacher."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError

from lms.classes.models import ClassMember, ClassTeacher, SchoolClass
from lms.db import db

log = logging.getLogger(__name__)


def taught_by(user_id: int) -> ColumnElement[bool]:
    """The SQL condition "``SchoolClass`` is taught by ``user_id``" (teacher or co-teacher)."""
    return or_(SchoolClass.teacher_id == user_id, SchoolClass.id.in_(
        select(ClassTeacher.class_id).where(ClassTeacher.user_id == user_id)))


def teaches(school_class: SchoolClass, user_id: int) -> bool:
    if school_class.teacher_id == user_id:
        return True
    return db.session.scalar(select(ClassTeacher.id).where(
        ClassTeacher.class_id == school_class.id, ClassTeacher.user_id == user_id)) is not None


def add_teacher(class_id: int, user_id: int, *, now: datetime) -> bool:
    """Make ``user_id`` a co-teacher of the class (nothing when they already teach it);
    True when added. A student of the class who becomes its teacher leaves its members."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or teaches(school_class, user_id):
        return False
    db.session.execute(ClassMember.__table__.delete().where(
        ClassMember.class_id == class_id, ClassMember.user_id == user_id))
    db.session.add(ClassTeacher(class_id=class_id, user_id=user_id, added_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # added at the same moment by another server
        db.session.rollback()
        return False
    log.info("user %s now co-teaches class %s", user_id, class_id)
    return True


def add_member(class_id: int, user_id: int, *, now: datetime) -> bool:
    """Enrol ``user_id`` without a join code (the caller vouches for them, e.g. an LTI
    launch from the class's platform course); nothing for a teacher of the class or a
    member. True when added."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or teaches(school_class, user_id):
        return False
    if db.session.scalar(select(ClassMember.id).where(
            ClassMember.class_id == class_id, ClassMember.user_id == user_id)) is not None:
        return False
    db.session.add(ClassMember(class_id=class_id, user_id=user_id, joined_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # the same learner's launch on two servers at once
        db.session.rollback()
        return False
    return True
