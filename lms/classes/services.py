"""Class operations. Each function owns its commit and never reads the request.

Refusals raise :class:`ClassError` with a ``reason`` the view turns into a translated message.
Multi-row operations (a batch of accounts) are one transaction: all or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Role, User
from lms.auth.services import hash_password
from lms.classes import codes
from lms.classes.models import Assignment, ClassMember, ClassTeacher, SchoolClass
from lms.classes.teachers import taught_by, teaches
from lms.courses.models import Course, Module
from lms.db import db
from lms.names import clean_name, name_key

log = logging.getLogger(__name__)

MAX_BATCH = 100
MAX_NAME = 120  # User.display_name


class ClassError(ValueError):
    """An operation was refused. ``reason`` is a stable key; ``detail`` carries values for the
    message (e.g. the offending names)."""

    def __init__(self, reason: str, field: str | None = None, **detail: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.detail = detail


# -- classes ---------------------------------------------------------------------------------


def create_class(teacher_id: int, name: str, course_id: int | None, *, now: datetime
                 ) -> SchoolClass:
    """A new class with a fresh join code."""
    if course_id is not None and not _course_available(course_id):
        raise ClassError("unknown_course", "course")
    school_class = SchoolClass(name=clean_name(name), teacher_id=teacher_id, course_id=course_id,
                               join_code=_unused_code(), created_at=now)
    db.session.add(school_class)
    db.session.commit()
    log.info("teacher %s created class %s", teacher_id, school_class.id)
    return school_class


def _unused_code() -> str:
    # 31**6 codes: a collision is very unlikely; the unique constraint is the last guard.
    for _ in range(10):
        code = codes.generate_join_code()
        if db.session.scalar(select(SchoolClass.id).where(SchoolClass.join_code == code)) is None:
            return code
    return codes.generate_join_code(codes.MAX_CODE_LENGTH)


@dataclass(frozen=True)
class ClassSummary:
    school_class: SchoolClass
    members: int


def teacher_classes(teacher_id: int) -> list[ClassSummary]:
    """The classes the teacher teaches (or co-teaches) with their sizes, active ones first
    (one query)."""
    size = (select(func.count(ClassMember.id)).where(ClassMember.class_id == SchoolClass.id)
            .correlate(SchoolClass).scalar_subquery())
    rows = db.session.execute(
        select(SchoolClass, size).where(taught_by(teacher_id))
        .order_by(SchoolClass.archived_at.is_not(None), SchoolClass.created_at.desc())
    ).all()
    return [ClassSummary(row[0], row[1]) for row in rows]


def visible_class(class_id: int, *, viewer_id: int, is_admin: bool) -> SchoolClass | None:
    """The class when ``viewer_id`` teaches or co-teaches it (or is an admin), else None:
    callers answer 404, so another teacher cannot even learn that the class exists."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or (not is_admin and not teaches(school_class, viewer_id)):
        return None
    return school_class


def regenerate_code(class_id: int) -> str:
    """A new join code; the old one stops working at once."""
    school_class = db.get_or_404(SchoolClass, class_id)
    school_class.join_code = _unused_code()
    db.session.commit()
    return school_class.join_code


def set_archived(class_id: int, archived: bool, *, now: datetime) -> None:
    """Archive (no more joining, records kept) or reopen a class."""
    school_class = db.get_or_404(SchoolClass, class_id)
    school_class.archived_at = now if archived else None
    db.session.commit()


def remove_member(class_id: int, user_id: int) -> bool:
    """Take a student out of the class (the account and its progress stay)."""
    result = db.session.execute(
        delete(ClassMember).where(ClassMember.class_id == class_id, ClassMember.user_id == user_id)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


# -- joining ---------------------------------------------------------------------------------


def class_by_code(typed: str | None) -> SchoolClass | None:
    """The class a typed join code belongs to (archived ones included), or None."""
    code = codes.normalise_code(typed)
    if code is None:
        return None
    return db.session.scalar(select(SchoolClass).where(SchoolClass.join_code == code))


def teacher_name(school_class: SchoolClass) -> str:
    """Shown on the join page so students can check they found the right class."""
    teacher = db.session.get(User, school_class.teacher_id)
    return teacher.display_name if teacher else ""


def join_class(user_id: int, typed_code: str | None, *, now: datetime) -> SchoolClass:
    """Add the user to the class with this code; refuses unknown, archived, own and repeat joins."""
    school_class = class_by_code(typed_code)
    if school_class is None:
        raise ClassError("unknown_code", "code")
    if school_class.archived:
        raise ClassError("archived", "code", name=school_class.name)
    if teaches(school_class, user_id):
        raise ClassError("own_class", "code", name=school_class.name)
    if _is_member(school_class.id, user_id):
        raise ClassError("already_member", "code", name=school_class.name)
    student = db.session.get(User, user_id)
    if student is not None and name_key(student.display_name) == name_key(
            teacher_name(school_class)):
        raise ClassError("teacher_name", "code", name=school_class.name)
    db.session.add(ClassMember(class_id=school_class.id, user_id=user_id, joined_at=now))
    try:
        db.session.commit()
    except IntegrityError as error:  # the same student pressed "join" twice at once
        db.session.rollback()
        raise ClassError("already_member", "code", name=school_class.name) from error
    return school_class


def wears_a_teachers_name(user_id: int, name: str) -> bool:
    """Whether ``name`` is the name of a teacher of one of the user's classes (compared by
    :func:`lms.names.name_key`): a student taking it could pass for the teacher."""
    classes = select(ClassMember.class_id).where(ClassMember.user_id == user_id)
    teachers = db.session.scalars(
        select(User.display_name).where(or_(
            User.id.in_(select(SchoolClass.teacher_id).where(SchoolClass.id.in_(classes))),
            User.id.in_(select(ClassTeacher.user_id).where(ClassTeacher.class_id.in_(classes))))))
    return name_key(name) in {name_key(teacher) for teacher in teachers}


def _is_member(class_id: int, user_id: int) -> bool:
    return db.session.scalar(select(ClassMember.id).where(
        ClassMember.class_id == class_id, ClassMember.user_id == user_id)) is not None


# -- email-less accounts ---------------------------------------------------------------------


@dataclass(frozen=True)
class NameProblem:
    reason: str  # "too_long" | "no_letters" | "duplicate" | "teacher_name" | "empty" | "too_many"
    line: int = 0
    name: str = ""


def parse_name_list(text: str, teacher: str = "") -> tuple[list[str], list[NameProblem]]:
    """Display names from a pasted list, one per line, and what is wrong with it.

    Blank lines are skipped (pasting from a spreadsheet leaves some). A line of only
    punctuation or invisible characters, an over-long name, the same name twice (ignoring case
    and spaces), the ``teacher``'s own name or more than :data:`MAX_BATCH` names is a problem
    to fix before anything is made.
    """
    names: list[str] = []
    problems: list[NameProblem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        name = clean_name(raw)
        if not raw.strip():
            continue
        if not any(ch.isalnum() for ch in name):
            problems.append(NameProblem("no_letters", number, raw.strip()))
            continue
        if len(name) > MAX_NAME:
            problems.append(NameProblem("too_long", number, name[:40] + "…"))
            continue
        key = name_key(name)
        if key in seen:
            problems.append(NameProblem("duplicate", number, name))
            continue
        if teacher and key == name_key(teacher):
            problems.append(NameProblem("teacher_name", number, name))
            continue
        seen[key] = number
        names.append(name)
    if not names and not problems:
        problems.append(NameProblem("empty"))
    if len(names) > MAX_BATCH:
        problems.append(NameProblem("too_many", len(names)))
    return names, problems


@dataclass(frozen=True)
class NewAccount:
    """An account just made. ``password`` exists only in memory for this one response.

    For a reset (:mod:`lms.resets`) ``password`` is the one-time code, valid until
    ``valid_until``; the login card then says so."""

    user_id: int
    display_name: str
    username: str
    password: str
    valid_until: datetime | None = None


def create_student_accounts(class_id: int, teacher_id: int, names: Sequence[str], *,
                            now: datetime) -> list[NewAccount]:
    """Email-less student accounts for a class, in one transaction.

    The plain passwords are returned once and never stored: only their hashes are.
    """
    school_class = db.get_or_404(SchoolClass, class_id)
    cleaned, problems = parse_name_list("\n".join(names), teacher_name(school_class))
    if problems:
        raise ClassError("bad_names", "names", problems=problems)
    if school_class.archived:
        raise ClassError("archived", "names", name=school_class.name)
    bases = sorted({codes.username_base(name) for name in cleaned})
    taken = db.session.scalars(
        select(User.username).where(or_(*(User.username.startswith(base) for base in bases)))
    )
    usernames = codes.assign_usernames(cleaned, taken)
    accounts: list[NewAccount] = []
    try:
        for name, username in zip(cleaned, usernames, strict=True):
            password = codes.generate_password()
            user = User(username=username, email=None, display_name=name,
                        password_hash=hash_password(password), role=Role.STUDENT,
                        created_by_id=teacher_id, created_at=now)
            db.session.add(user)
            db.session.flush()
            db.session.add(ClassMember(class_id=class_id, user_id=user.id, joined_at=now))
            accounts.append(NewAccount(user.id, name, username, password))
        db.session.commit()
    except IntegrityError as error:  # someone took one of the usernames meanwhile
        db.session.rollback()
        raise ClassError("try_again", "names") from error
    log.info("teacher %s created %d student accounts in class %s", teacher_id, len(accounts),
             class_id)
    return accounts


# -- assignments -----------------------------------------------------------------------------


def due_at_end_of(day: date, timezone: str) -> datetime:
    """The last minute of ``day`` where the school is, as an aware datetime."""
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(timezone))


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def find_assignment(class_id: int, course_id: int, module_id: int | None) -> Assignment | None:
    """The class's assignment of this course (``module_id`` None) or module, if it has one."""
    return db.session.scalar(select(Assignment).where(
        Assignment.class_id == class_id, Assignment.course_id == course_id,
        Assignment.module_id.is_(None) if module_id is None else Assignment.module_id == module_id,
    ))


def assign(class_id: int, course_id: int, module_id: int | None, due_at: datetime | None, *,
           now: datetime) -> tuple[Assignment, bool]:
    """Assign a course or one of its modules; assigning the same thing again changes its due
    date. Returns the assignment and whether it is new."""
    if due_at is not None and due_at < now:
        raise ClassError("past_due", "due_date")
    if not _course_available(course_id):
        raise ClassError("unknown_course", "target")
    if module_id is not None:
        module = db.session.get(Module, module_id)
        if module is None or module.course_id != course_id or not module.available:
            raise ClassError("unknown_module", "target")
    school_class = db.get_or_404(SchoolClass, class_id)
    existing = find_assignment(class_id, course_id, module_id)
    if existing is not None:
        existing.due_at = due_at
        db.session.commit()
        return existing, False
    assignment = Assignment(class_id=class_id, course_id=course_id, module_id=module_id,
                            due_at=due_at, created_at=now)
    db.session.add(assignment)
    if school_class.course_id is None:
        school_class.course_id = course_id  # the dashboard opens on the first course assigned
    db.session.commit()
    return assignment, True


def remove_assignment(class_id: int, assignment_id: int) -> bool:
    result = db.session.execute(delete(Assignment).where(
        Assignment.id == assignment_id, Assignment.class_id == class_id))
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _course_available(course_id: int) -> bool:
    course = db.session.get(Course, course_id)
    return course is not None and course.available
