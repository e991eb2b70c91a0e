"""Enrolments and completion (see lms.features): tables only, shown by lms.learning."""

from __future__ import annotations

from lms.features import Feature

feature = Feature(name="progress", models=("lms.progress.models",))
