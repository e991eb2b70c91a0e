"""The learner's pages (see lms.features): the catalogue, courses, lessons and quizzes."""

from __future__ import annotations

from lms.features import ACCOUNT, VISITOR, Feature
from lms.learning.course_views import bp as courses_bp
from lms.learning.quiz_views import bp as quizzes_bp

feature = Feature(
    name="learning", blueprints=(courses_bp, quizzes_bp),
    access={
        # Visitors may read and try quizzes; progress needs an account.
        **{f"lms.courses.{name}": (VISITOR,) for name in (
            "catalogue", "course", "teacher_guide", "media", "item")},
        "lms.quizzes.submit": (VISITOR,),
        "lms.courses.complete": (ACCOUNT,),
        "lms.courses.move_to_latest": (ACCOUNT,),
        "lms.quizzes.attempt": (ACCOUNT,),  # the learner's own attempt, else 404
    },
)
