"""The course packages' tables (see lms.features); their pages are lms.learning's, their
``lms courses …`` commands lms.cli's."""

from __future__ import annotations

from lms.features import Feature

feature = Feature(name="courses", models=("lms.courses.models",))
