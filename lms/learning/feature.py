"""The learner's pages (see lms.features): the catalogue, courses, lessons and quizzes."""

from __future__ import annotations

from lms.features import Feature
from lms.learning.course_views import bp as courses_bp
from lms.learning.quiz_views import bp as quizzes_bp

feature = Feature(name="learning", blueprints=(courses_bp, quizzes_bp))
