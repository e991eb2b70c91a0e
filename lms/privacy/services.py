"""Personal data: what the LMS holds about a person (as JSON) and deleting an account.

Deleting an account *anonymises* its row in one transaction instead of removing it:

- the username becomes ``deleted-<random>``, the display name "Deleted learner", the email,
  language and password are erased (the password can never match again, and every open
  session ends because the session token comes from the password hash);
- the certificate preference (a printed name) and the account's emails in the outbox
  (queued or recently sent) are deleted;
- one-time codes made for the account are erased (the records of those resets stay, about
  the anonymous row); resets the person made for others stay recorded without saying who
  made them;
- certificates are revoked with the reason "account deleted" (replacing any earlier
  revocation reason), their printed name replaced and their stored PDF deleted: the public
  verification page then says the certificate was revoked, without the name;
- enrolments, completed lessons, class memberships and quiz attempts stay, attached to the
  anonymous row, so a teacher's class statistics do not change; typed answers (reflections,
  short answers, gaps), which may hold personal text, are erased from the attempts, and
  choices, scores and results are kept; teachers' comments on the person's reflections and
  the record of their weekly digests are deleted.

Nothing is half-written: every change is flushed in one transaction and committed once. On
SQLite, ``secure_delete`` (see :mod:`lms.db`) overwrites the erased text in the database file,
and a checkpoint right after the commit empties the WAL, which still held it.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import aliased
from werkzeug.security import check_password_hash

from lms.auth.models import Role, User
from lms.certificates.models import Certificate, CertificatePreference
from lms.classes.models import ClassMember, ClassTeacher, SchoolClass
from lms.courses.models import Course, Item
from lms.db import checkpoint_sqlite, db
from lms.mail.models import OutboxMail
from lms.progress.models import Enrollment, ItemCompletion
from lms.quizzes.models import QuizAttempt
from lms.reflections.models import ReflectionComment
from lms.reminders.models import DigestSent
from lms.resets.models import PasswordReset

log = logging.getLogger(__name__)

DELETED_NAME = "Deleted learner"
DELETED_CERTIFICATE_NAME = "—"
REVOKED_REASON = "The holder deleted their account."
UNUSABLE_PASSWORD = "!deleted"  # not a Werkzeug hash: check_password_hash is always False
#: Question types whose answers are choices or numbers; any other answer (free text, typed
#: gaps, plug-in types we cannot judge) is erased when the account is deleted.
KEPT_ANSWER_TYPES = frozenset({"single", "multiple", "true-false", "numeric", "ordering",
                               "matching"})


class PrivacyError(ValueError):
    """A deletion was refused; ``reason`` is a stable key for the view's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user_id: int) -> dict[str, Any]:
    """Everything the LMS stores about one person, as JSON-ready values."""
    user = db.session.get(User, user_id)
    if user is None:
        raise PrivacyError("unknown_user")
    slugs = {row.id: row.slug for row in db.session.execute(select(Course.id, Course.slug))}
    items = {row.id: (row.slug, row.kind) for row in db.session.execute(
        select(Item.id, Item.slug, Item.kind).join(
            ItemCompletion, ItemCompletion.item_id == Item.id, isouter=True)
        .where((ItemCompletion.user_id == user_id) | Item.id.in_(
            select(QuizAttempt.item_id).where(QuizAttempt.user_id == user_id))))}
    enrolments = db.session.scalars(select(Enrollment).where(Enrollment.user_id == user_id)
                                    .order_by(Enrollment.id)).all()
    completions = db.session.scalars(select(ItemCompletion).where(
        ItemCompletion.user_id == user_id).order_by(ItemCompletion.id)).all()
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user_id)
                                  .order_by(QuizAttempt.id)).all()
    certificates = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user_id).order_by(Certificate.id)).all()
    memberships = db.session.execute(
        select(ClassMember.joined_at, SchoolClass.id, SchoolClass.name, User.display_name)
        .join(SchoolClass, SchoolClass.id == ClassMember.class_id)
        .join(User, User.id == SchoolClass.teacher_id)
        .where(ClassMember.user_id == user_id).order_by(ClassMember.id)).all()
    co_teachers = _co_teachers([class_id for _, class_id, _, _ in memberships])
    preference = db.session.get(CertificatePreference, user_id)
    resets = _resets(user_id)
    return {
        "profile": {
            "username": user.username, "display_name": user.display_name,
            "email": user.email, "role": user.role, "language": user.language,
            "created_at": _iso(user.created_at),
            "created_by_teacher": user.created_by_id is not None,
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "weekly_digest": not user.digest_opt_out,
        },
        "enrolments": [{"course": slugs.get(e.course_id), "started_at": _iso(e.started_at),
                        "last_visited_at": _iso(e.last_visited_at),
                        "completed_at": _iso(e.completed_at)} for e in enrolments],
        "completions": [{"course": slugs.get(c.course_id),
                         "item": items.get(c.item_id, (None,))[0],
                         "completed_at": _iso(c.completed_at)} for c in completions],
        # The question snapshot holds the answer keys, so it is not exported: the learner
        # may take the quiz again. Prompts of reflections are, with the learner's text.
        "quiz_attempts": [{
            "course": slugs.get(a.course_id), "item": items.get(a.item_id, (None,))[0],
            "number": a.number, "language": a.language, "started_at": _iso(a.started_at),
            "submitted_at": _iso(a.submitted_at), "score_percent": a.score_percent,
            "passed": a.passed, "answers": a.answers,
        } for a in attempts],
        "reflections": [reflection for a in attempts for reflection in _reflections(a)],
        "reflection_comments": _comments(user_id),
        "certificates": [{
            "code": c.code, "course": c.course_slug, "course_title": c.course_title,
            "printed_name": c.printed_name, "language": c.language,
            "completed_at": _iso(c.completed_at), "issued_at": _iso(c.issued_at),
            "revoked_at": _iso(c.revoked_at), "revoked_reason": c.revoked_reason,
            "reissued_at": _iso(c.reissued_at),
        } for c in certificates],
        "certificate_preference": None if preference is None else {
            "printed_name": preference.printed_name, "language": preference.language},
        # "teacher" made the class; its co-teachers (lms.classes.teachers, e.g. a platform
        # course's other instructors) teach it with the same rights, so they are named too.
        "class_memberships": [{"class": name, "teacher": teacher,
                               "co_teachers": co_teachers.get(class_id, []),
                               "joined_at": _iso(joined)}
                              for joined, class_id, name, teacher in memberships],
        **resets,
    }


def _resets(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Resets of this account (by whom, when; never the code's hash) and those it made."""
    other = aliased(User)
    received = db.session.execute(
        select(PasswordReset, other.display_name)
        .outerjoin(other, other.id == PasswordReset.reset_by_id)
        .where(PasswordReset.user_id == user_id).order_by(PasswordReset.id)).all()
    made = db.session.execute(
        select(PasswordReset, other.username).join(other, other.id == PasswordReset.user_id)
        .where(PasswordReset.reset_by_id == user_id).order_by(PasswordReset.id)).all()
    return {
        "password_resets": [{"reset_by": name, "created_at": _iso(r.created_at),
                             "expires_at": _iso(r.expires_at), "code_used_at": _iso(r.used_at)}
                            for r, name in received],
        "password_resets_made": [{"account": username, "created_at": _iso(r.created_at)}
                                 for r, username in made],
    }


def _co_teachers(class_ids: list[int]) -> dict[int, list[str]]:
    """Class id -> its co-teachers' names, in the order they joined (one query)."""
    names: dict[int, list[str]] = {}
    if not class_ids:
        return names
    rows = db.session.execute(
        select(ClassTeacher.class_id, User.display_name)
        .join(User, User.id == ClassTeacher.user_id)
        .where(ClassTeacher.class_id.in_(class_ids))
        .order_by(ClassTeacher.added_at, ClassTeacher.id)).all()
    for class_id, name in rows:
        names.setdefault(class_id, []).append(name)
    return names


def _comments(user_id: int) -> list[dict[str, Any]]:
    """Teachers' comments on the person's reflections, with the attempt they answer."""
    rows = db.session.execute(
        select(ReflectionComment, User.display_name, QuizAttempt.number, Item.slug)
        .join(QuizAttempt, QuizAttempt.id == ReflectionComment.attempt_id)
        .join(Item, Item.id == QuizAttempt.item_id)
        .outerjoin(User, User.id == ReflectionComment.teacher_id)
        .where(ReflectionComment.student_id == user_id).order_by(ReflectionComment.id)).all()
    return [{"item": item, "attempt_number": number, "question_key": c.question_key,
             "teacher": teacher, "comment": c.body, "created_at": _iso(c.created_at),
             "seen_at": _iso(c.seen_at)} for c, teacher, number, item in rows]


def _reflections(attempt: QuizAttempt) -> list[dict[str, Any]]:
    answers = attempt.answers or {}
    return [{"attempt_number": attempt.number, "prompt_html": question.get("prompt_html", ""),
             "answer": answers.get(question.get("key"))}
            for question in attempt.questions or []
            if question.get("type") == "reflection" and answers.get(question.get("key"))]


@dataclass(frozen=True)
class Deletion:
    user_id: int
    certificates_revoked: int
    attempts_kept: int


def check_password(user_id: int, password: str) -> bool:
    user = db.session.get(User, user_id)
    return user is not None and user.deleted_at is None and check_password_hash(
        user.password_hash, password)


def may_delete(actor_id: int, target_id: int) -> bool:
    """Whether ``actor`` may delete ``target``'s account: themselves, an admin anyone, a
    teacher the student accounts they created for a class."""
    actor = db.session.get(User, actor_id)
    target = db.session.get(User, target_id)
    if actor is None or target is None or target.deleted_at is not None:
        return False
    if actor.id == target.id or actor.role == Role.ADMIN:
        return True
    return (actor.has_role(Role.TEACHER) and target.role == Role.STUDENT
            and target.created_by_id == actor.id)


def deletable_by_teacher(teacher_id: int) -> list[User]:
    """The accounts a teacher created and may delete."""
    return list(db.session.scalars(select(User).where(
        User.created_by_id == teacher_id, User.role == Role.STUDENT,
        User.deleted_at.is_(None)).order_by(User.display_name)))


def active_users(search: str = "", limit: int = 200) -> list[User]:
    """Accounts for the admin page, optionally filtered by username or name."""
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.username).limit(limit)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.username).like(pattern)
                            | func.lower(User.display_name).like(pattern))
    return list(db.session.scalars(query))


def delete_account(user_id: int, *, now: datetime) -> Deletion:
    """Anonymise the account as described in the module docstring, in one transaction.

    Refuses to delete the last administrator (nobody could manage the site any more).
    """
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise PrivacyError("unknown_user")
    if user.role == Role.ADMIN and db.session.scalar(select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.deleted_at.is_(None))) <= 1:
        raise PrivacyError("last_admin")
    try:
        user.username = f"deleted-{secrets.token_hex(8)}"
        user.display_name = DELETED_NAME
        user.email = None
        user.email_confirmed_at = None
        user.language = None
        user.password_hash = f"{UNUSABLE_PASSWORD}-{secrets.token_hex(16)}"
        user.deleted_at = now
        db.session.execute(delete(CertificatePreference).where(
            CertificatePreference.user_id == user_id))
        db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user_id)
                           .values(code_hash=None))
        db.session.execute(update(PasswordReset).where(PasswordReset.reset_by_id == user_id)
                           .values(reset_by_id=None))
        # A teacher's comments answer the person's own words: they go with them.
        db.session.execute(delete(ReflectionComment).where(
            ReflectionComment.student_id == user_id))
        db.session.execute(delete(DigestSent).where(DigestSent.user_id == user_id))
        # Queued or recently sent mail holds the address (and maybe a reset link).
        db.session.execute(delete(OutboxMail).where(OutboxMail.user_id == user_id))
        certificates = db.session.scalars(select(Certificate).where(
            Certificate.user_id == user_id)).all()
        for certificate in certificates:
            certificate.printed_name = DELETED_CERTIFICATE_NAME
            certificate.pdf = None
            certificate.pdf_rendered_at = None
            if certificate.revoked_at is None:
                certificate.revoked_at = now
            # Also over an earlier admin's reason: it may describe the person, and the
            # public page must say why the certificate is void now.
            certificate.revoked_reason = REVOKED_REASON
        attempts = db.session.scalars(select(QuizAttempt).where(
            QuizAttempt.user_id == user_id)).all()
        for attempt in attempts:
            attempt.answers = _kept_answers(attempt)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    checkpoint_sqlite()
    log.info("account %s deleted (anonymised)", user_id)
    return Deletion(user_id, len(certificates), len(attempts))


def _kept_answers(attempt: QuizAttempt) -> dict[str, Any] | None:
    if attempt.answers is None:
        return None
    types = {q.get("key"): q.get("type") for q in attempt.questions or []}
    return {key: (value if types.get(key) in KEPT_ANSWER_TYPES else None)
            for key, value in attempt.answers.items()}
