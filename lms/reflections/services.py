"""Reading a class's reflections side by side, and the teacher's comments on them.

Every function issues a fixed number of queries whatever the size of the class
(``tests/test_reflections.py`` counts them). Sharing: reflections are private between the
student and the teachers of their classes (the course format has no sharing setting), so
only a class's teacher (or an admin) reads them here, and a comment is seen only by the
student it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from lms.auth.models import User
from lms.classes import queries
from lms.classes.models import ClassMember
from lms.courses.lookup import choose_language
from lms.courses.models import Course, Item, ItemText, Module
from lms.db import db
from lms.quizzes.models import QuizAttempt
from lms.reflections.models import ReflectionComment

#: Longest comment accepted: a few paragraphs, not an essay.
MAX_COMMENT = 2_000


class CommentRefused(ValueError):
    """The attempt is not one of this class's students' reflections (the view answers 403)."""


@dataclass(frozen=True)
class Prompt:
    key: str
    prompt_html: str


@dataclass
class Answer:
    attempt: Any  # a row of QuizAttempt's id, user_id, number, content_hash, answers
    key: str
    text: str
    comments: list[ReflectionComment] = field(default_factory=list)


@dataclass
class StudentRow:
    student: User
    attempt: Any | None  # as in Answer
    answers: dict[str, Answer] = field(default_factory=dict)


@dataclass
class Board:
    """One quiz's reflection questions (columns) and every student's answers (rows)."""

    item: Item
    title: str
    prompts: list[Prompt]
    rows: list[StudentRow]

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answers)


def _reflections_of(questions: Sequence[dict[str, Any]] | None) -> list[Prompt]:
    return [Prompt(str(q.get("key")), str(q.get("prompt_html", "")))
            for q in questions or [] if q.get("type") == "reflection"]


def reflection_quizzes(course_ids: Sequence[int], language: str) -> list[tuple[Item, str]]:
    """Quizzes with at least one reflection question in the courses, with titles (2 queries)."""
    if not course_ids:
        return []
    rows = db.session.execute(
        select(Item, Course.default_language).join(Module, Module.id == Item.module_id)
        .join(Course, Course.id == Item.course_id)
        .where(Item.course_id.in_(sorted(set(course_ids))), Item.available, Module.available,
               Item.kind == "quiz")
        .order_by(Course.slug, Module.position, Item.position)).all()
    texts = _current_texts([item.id for item, _ in rows])
    found = []
    for item, default in rows:
        chosen = _pick(texts.get(item.id, {}), language, default)
        if chosen is not None and _reflections_of(chosen.questions):
            found.append((item, chosen.title))
    return found


def _current_texts(item_ids: list[int]) -> dict[int, dict[str, ItemText]]:
    result: dict[int, dict[str, ItemText]] = {}
    if not item_ids:
        return result
    current = ItemText.content_hash == select(Item.content_hash).where(
        Item.id == ItemText.item_id).scalar_subquery()
    for text in db.session.scalars(select(ItemText).where(ItemText.item_id.in_(item_ids),
                                                          current)):
        result.setdefault(text.item_id, {})[text.language] = text
    return result


def _pick(texts: dict[str, ItemText], language: str, default: str) -> ItemText | None:
    return texts.get(choose_language(texts, language, default)) if texts else None


def board(class_id: int, item_id: int, *, language: str) -> Board | None:
    """The reflections of ``item_id`` for a class (6 queries), or None when it is no quiz of
    an available course. Each student's latest submitted attempt that answered a reflection
    is shown, with the teacher's comments on it."""
    found = db.session.execute(
        select(Item, Course.default_language).join(Course, Course.id == Item.course_id)
        .where(Item.id == item_id, Item.available, Course.available,
               Item.kind == "quiz")).first()
    if found is None:
        return None
    item, default = found
    text = _pick(_current_texts([item.id]).get(item.id, {}), language, default)
    prompts = _reflections_of(text.questions if text else None)
    students = queries.class_students(class_id)
    # The question snapshots are the heavy part of an attempt: only those of attempts at an
    # earlier version of the quiz are read (one more query), the others ask what it asks now.
    attempts = db.session.execute(
        select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.number,
               QuizAttempt.content_hash, QuizAttempt.answers)
        .where(QuizAttempt.item_id == item.id,
               QuizAttempt.user_id.in_(queries.member_ids(class_id)),
               QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.number)).all()
    older = [a.id for a in attempts if a.content_hash != item.content_hash]
    snapshots = dict(db.session.execute(select(QuizAttempt.id, QuizAttempt.questions).where(
        QuizAttempt.id.in_(older))).all()) if older else {}
    rows = {student.id: StudentRow(student, None) for student in students}
    known = {prompt.key for prompt in prompts}
    for attempt in attempts:  # oldest first: a later attempt with answers replaces it
        asked = _reflections_of(snapshots[attempt.id]) if attempt.id in snapshots else prompts
        given = attempt.answers or {}
        answers = {p.key: Answer(attempt, p.key, str(given.get(p.key)))
                   for p in asked if str(given.get(p.key) or "").strip()}
        row = rows.get(attempt.user_id)
        if row is None or not answers:
            continue
        row.attempt, row.answers = attempt, answers
        for prompt in asked:  # a question since removed
            if prompt.key not in known:
                known.add(prompt.key)
                prompts.append(prompt)
    shown = {row.attempt.id: row for row in rows.values() if row.attempt is not None}
    if shown:
        for comment in db.session.scalars(
                select(ReflectionComment).where(ReflectionComment.attempt_id.in_(shown))
                .order_by(ReflectionComment.created_at, ReflectionComment.id)):
            answer = shown[comment.attempt_id].answers.get(comment.question_key)
            if answer is not None:
                answer.comments.append(comment)
    return Board(item, text.title if text else item.slug, prompts, list(rows.values()))


def add_comment(*, class_id: int, teacher_id: int, attempt_id: int, question_key: str,
                body: str, now: datetime) -> ReflectionComment:
    """Comment on one reflection answer of a student of the class (the caller checked that
    ``teacher_id`` runs the class). Raises :class:`CommentRefused` when the attempt is not a
    class member's, or the key is not one of its answered reflections; ``ValueError`` for an
    empty or over-long body (the form checks both first)."""
    body = body.strip()
    if not body or len(body) > MAX_COMMENT:
        raise ValueError("comment length")
    attempt = db.session.scalar(
        select(QuizAttempt).join(ClassMember, ClassMember.user_id == QuizAttempt.user_id)
        .where(QuizAttempt.id == attempt_id, ClassMember.class_id == class_id,
               QuizAttempt.submitted_at.is_not(None)))
    if attempt is None:
        raise CommentRefused("not a student of this class")
    keys = {p.key for p in _reflections_of(attempt.questions)}
    if question_key not in keys or not str((attempt.answers or {}).get(question_key) or "").strip():
        raise CommentRefused("not an answered reflection")
    comment = ReflectionComment(attempt_id=attempt.id, question_key=question_key,
                                student_id=attempt.user_id, teacher_id=teacher_id,
                                body=body, created_at=now)
    db.session.add(comment)
    db.session.commit()
    return comment


@dataclass(frozen=True)
class ShownComment:
    id: int
    body: str
    teacher: str
    created_at: datetime
    new: bool  # not seen before this page


def comments_on_attempt(user_id: int, attempt_id: int, *, now: datetime
                        ) -> dict[str, list[ShownComment]]:
    """The comments on one of the student's own attempts, by question key, with the
    teacher's name; they count as seen from now on (1 query, a second when some were new)."""
    rows = db.session.execute(
        select(ReflectionComment, User.display_name)
        .outerjoin(User, User.id == ReflectionComment.teacher_id)
        .where(ReflectionComment.attempt_id == attempt_id,
               ReflectionComment.student_id == user_id)
        .order_by(ReflectionComment.created_at, ReflectionComment.id)).all()
    result: dict[str, list[ShownComment]] = {}
    for comment, name in rows:
        result.setdefault(comment.question_key, []).append(ShownComment(
            comment.id, comment.body, name or "", comment.created_at, comment.seen_at is None))
    unseen = [comment.id for comment, _ in rows if comment.seen_at is None]
    if unseen:
        db.session.execute(update(ReflectionComment).where(ReflectionComment.id.in_(unseen))
                           .values(seen_at=now).execution_options(synchronize_session=False))
        db.session.commit()
    return result


@dataclass(frozen=True)
class NewComment:
    teacher: str
    title: str
    course_slug: str
    module_slug: str
    item_slug: str
    number: int
    created_at: datetime


def new_comments(user_id: int, *, language: str) -> list[NewComment]:
    """Comments the student has not seen yet, newest first, for the home page (2 queries)."""
    rows = db.session.execute(
        select(ReflectionComment.created_at, User.display_name, QuizAttempt.number,
               Item.id, Item.slug, Module.slug, Course.slug, Course.default_language)
        .join(QuizAttempt, QuizAttempt.id == ReflectionComment.attempt_id)
        .join(Item, Item.id == QuizAttempt.item_id)
        .join(Module, Module.id == Item.module_id)
        .join(Course, Course.id == Item.course_id)
        .outerjoin(User, User.id == ReflectionComment.teacher_id)
        .where(ReflectionComment.student_id == user_id, ReflectionComment.seen_at.is_(None))
        .order_by(ReflectionComment.created_at.desc(), ReflectionComment.id.desc())).all()
    if not rows:
        return []
    texts = _current_texts(sorted({row[3] for row in rows}))
    result = []
    for created_at, teacher, number, item_id, item_slug, module_slug, course_slug, \
            default in rows:
        text = _pick(texts.get(item_id, {}), language, default)
        result.append(NewComment(teacher or "", text.title if text else item_slug,
                                 course_slug, module_slug, item_slug, number, created_at))
    return result
