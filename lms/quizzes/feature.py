"""Quiz attempts (see lms.features): tables only, taken on lms.learning's pages."""

from __future__ import annotations

from lms.features import Feature

feature = Feature(name="quizzes", models=("lms.quizzes.models",))
