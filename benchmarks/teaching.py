"""Data for the teachers' pages beyond the dashboard: every learner of the first class
answers a quiz's reflection questions, and the teacher has commented on each answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

#: Beyond any attempt number the seeded attempts use (ten per learner in all).
ATTEMPT_NUMBER = 50


def seed_reflections(class_id: int, course_id: int) -> int:
    """Answers and comments for the class's learners on the course's first quiz that asks
    for reflections; the quiz's item id (the reflections page to load)."""
    from lms.classes.models import Assignment, ClassMember, SchoolClass
    from lms.courses.models import Item, ItemText
    from lms.db import db, utcnow
    from lms.quizzes.models import QuizAttempt
    from lms.reflections.models import ReflectionComment

    # The class's own course first; another course with reflections is assigned to it.
    text = next(t for t in db.session.scalars(
        select(ItemText).join(Item, Item.id == ItemText.item_id)
        .where(Item.kind == "quiz", ItemText.content_hash == Item.content_hash)
        .order_by(Item.course_id != course_id, Item.course_id, Item.position, ItemText.id))
        if any(q.get("type") == "reflection" for q in text_questions(t)))
    item = db.session.get(Item, text.item_id)
    if item.course_id != course_id:
        db.session.add(Assignment(class_id=class_id, course_id=item.course_id))
        course_id = item.course_id
    keys = [q["key"] for q in text_questions(text) if q.get("type") == "reflection"]
    teacher_id = db.session.scalar(select(SchoolClass.teacher_id).where(SchoolClass.id == class_id))
    learners = list(db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == class_id)))
    now = utcnow()
    answer = "I think the people who grow it earn the least, and the brand the most. " * 3
    conn = db.session.connection()
    rows: list[dict[str, Any]] = [dict(
        user_id=uid, item_id=item.id, course_id=course_id, number=ATTEMPT_NUMBER,
        language=text.language, seed=1, content_hash=item.content_hash,
        questions=text_questions(text), answers={key: answer for key in keys}, results={},
        score_percent=100.0, passed=True, started_at=now, submitted_at=now)
        for uid in learners]
    conn.execute(insert(QuizAttempt), rows)
    attempts = conn.execute(select(QuizAttempt.id, QuizAttempt.user_id).where(
        QuizAttempt.item_id == item.id, QuizAttempt.number == ATTEMPT_NUMBER)).all()
    conn.execute(insert(ReflectionComment), [dict(
        attempt_id=attempt_id, question_key=keys[0], student_id=uid, teacher_id=teacher_id,
        body="Why do you think so?", created_at=now) for attempt_id, uid in attempts])
    db.session.commit()
    return item.id


def text_questions(text: Any) -> list[dict[str, Any]]:
    return list(text.questions or [])
