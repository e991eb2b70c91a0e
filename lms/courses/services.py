"""Finding courses (learner-independent reads; the learner's catalogue is in
:mod:`lms.progress.catalogue`)."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.item_texts import item_body  # noqa: F401
from lms.courses.lookup import choose_language, texts_by_owner  # noqa: F401
from lms.courses.models import Course
from lms.db import db


def get_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))
