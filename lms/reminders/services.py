"""The weekly digest: what is due this week and overdue, queued in the mail outbox.

Teachers get, per open class, each assignment that is overdue (with who has not finished
it) or due within seven days. Students with a confirmed email address get their own overdue
and due-this-week work, per class. Nobody who opted out on My account gets one, and a person
with nothing to report gets none. Each digest is written to the outbox (lms.mail) together
with a :class:`DigestSent` row for its ISO week, in one transaction: a second run in the same
week finds the row and queues nothing, and a mail server that is down leaves the message in
the outbox, where every later run (``lms mail send``, ``lms reminders send``) retries it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date, gettext
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Role, User
from lms.classes import queries
from lms.classes.models import ClassMember, ClassTeacher, SchoolClass
from lms.classes.overdue import standings
from lms.classes.student import my_assignments
from lms.classes.teachers import taught_by
from lms.db import db
from lms.mail.outbox import queue_mail
from lms.reminders.models import DigestSent
from lms.urls import external_url

log = logging.getLogger(__name__)


@dataclass
class DigestReport:
    week: str
    teachers: int = 0
    students: int = 0
    already: int = 0  # queued earlier this week
    nothing: int = 0  # nothing due or overdue to tell


def week_of(now: datetime, timezone: str) -> str:
    """``2026-W49``: the ISO week of ``now`` where the school is."""
    year, week, _ = now.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def _reachable(query: Select[tuple[User]]) -> Select[tuple[User]]:
    """Accounts that can and want to get the digest: an address, active, not opted out."""
    return query.where(User.email.is_not(None), User.deleted_at.is_(None), User.active,
                       User.digest_opt_out.is_(False)).order_by(User.id)


def teachers_to_remind() -> list[User]:
    """Teachers (and admins) running an open class, with an address, not opted out."""
    open_classes = select(SchoolClass.id).where(SchoolClass.archived_at.is_(None))
    query = _reachable(select(User).where(or_(
        User.id.in_(select(SchoolClass.teacher_id).where(SchoolClass.archived_at.is_(None))),
        User.id.in_(select(ClassTeacher.user_id).where(ClassTeacher.class_id.in_(
            open_classes))))))
    return list(db.session.scalars(query))


def students_to_remind() -> list[User]:
    """Students in an open class whose address is confirmed, not opted out."""
    members = select(ClassMember.user_id).join(
        SchoolClass, SchoolClass.id == ClassMember.class_id).where(
        SchoolClass.archived_at.is_(None))
    query = _reachable(select(User).where(User.id.in_(members), User.role == Role.STUDENT,
                                          User.email_confirmed_at.is_not(None)))
    return list(db.session.scalars(query))


def _day(value: datetime, timezone: str) -> str:
    return str(format_date(value.astimezone(ZoneInfo(timezone)).date(), "medium"))


def teacher_digest(teacher: User, *, language: str, timezone: str, now: datetime) -> str | None:
    """The digest's text for a teacher, in the current locale; None with nothing to say."""
    classes = db.session.scalars(select(SchoolClass).where(
        taught_by(teacher.id), SchoolClass.archived_at.is_(None))
        .order_by(SchoolClass.name)).all()
    parts = []
    for school_class in classes:
        assignments = queries.class_assignments(school_class.id)
        if not any(a.due_at for a in assignments):
            continue
        courses = queries.load_courses(queries.class_course_ids(school_class, assignments),
                                       language)
        students = queries.class_students(school_class.id)
        progress = queries.load_progress(queries.member_ids(school_class.id), courses)
        lines = []
        for standing in standings(assignments, courses, students, progress, now=now):
            day = _day(standing.assignment.due_at, timezone)  # type: ignore[arg-type]
            if standing.late:
                names = ", ".join(s.display_name for s in standing.late)
                lines.append(gettext("- %(title)s, was due %(day)s: overdue for %(names)s",
                                     title=standing.title, day=day, names=names))
            elif standing.pending:
                lines.append(gettext("- %(title)s, due %(day)s: %(count)d of %(total)d "
                                     "students have not finished yet",
                                     title=standing.title, day=day,
                                     count=len(standing.pending), total=len(students)))
        if lines:
            link = external_url("lms.classes.dashboard", class_id=school_class.id)
            parts.append("\n".join([school_class.name, *lines, link]))
    if not parts:
        return None
    return "\n\n".join([
        gettext("Hello %(name)s,", name=teacher.display_name),
        gettext("this is what is overdue or due this week in your classes."),
        *parts,
        gettext("You can stop these emails on My account: %(link)s",
                link=external_url("lms.auth.account")),
    ])


def student_digest(student: User, *, language: str, timezone: str,
                   now: datetime) -> str | None:
    """The digest's text for a student, in the current locale; None with nothing to say."""
    mine = my_assignments(student.id, language=language, now=now)
    by_class: dict[str, list[str]] = {}
    for entry in [*mine.overdue, *mine.due_soon]:
        day = _day(entry.due_at, timezone)  # type: ignore[arg-type]
        line = (gettext("- %(title)s: overdue, was due %(day)s", title=entry.title, day=day)
                if entry.status == "overdue" else
                gettext("- %(title)s: due %(day)s", title=entry.title, day=day))
        by_class.setdefault(entry.class_name, []).append(line)
    if not by_class:
        return None
    return "\n\n".join([
        gettext("Hello %(name)s,", name=student.display_name),
        gettext("this is your work that is overdue or due this week."),
        *("\n".join([name, *lines]) for name, lines in by_class.items()),
        external_url("lms.courses.catalogue"),
        gettext("You can stop these emails on My account: %(link)s",
                link=external_url("lms.auth.account")),
    ])


def queue_digests(*, now: datetime, timezone: str, default_language: str) -> DigestReport:
    """Queue this week's digests that are not queued yet; one commit per person, so a run
    that stops half-way keeps what it did and the next run does the rest."""
    report = DigestReport(week_of(now, timezone))
    done = set(db.session.scalars(select(DigestSent.user_id).where(
        DigestSent.week == report.week)))
    people = [(user, True) for user in teachers_to_remind()]
    people += [(user, False) for user in students_to_remind()]
    for user, as_teacher in people:
        if user.id in done:
            report.already += 1
            continue
        done.add(user.id)  # an admin teaching a class and in one gets one digest
        language = user.language or default_language
        with force_locale(language):
            write = teacher_digest if as_teacher else student_digest
            body = write(user, language=language, timezone=timezone, now=now)
            subject = gettext("Your week: due and overdue work")
        if body is None:
            report.nothing += 1
            continue
        queue_mail(to=str(user.email), subject=subject, body=body, now=now, user_id=user.id)
        db.session.add(DigestSent(user_id=user.id, week=report.week, created_at=now))
        try:
            db.session.commit()
        except IntegrityError:  # another run queued it a moment ago
            db.session.rollback()
            report.already += 1
            continue
        if as_teacher:
            report.teachers += 1
        else:
            report.students += 1
    log.info("weekly digests %s: %d teachers, %d students queued", report.week,
             report.teachers, report.students)
    return report
