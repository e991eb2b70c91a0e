"""Quiz attempts (see lms.features): their tables, taken on lms.learning's pages, and which
quizzes count as passed when a learner moves to a new release."""

from __future__ import annotations

from flask import Blueprint, Flask

from lms import hooks
from lms.features import Feature


def release_passes(user_id: int, course_id: int) -> set[int]:
    """lms.hooks.release_passes: quizzes passed under the pass marks of the current release."""
    from lms.quizzes.services import passed_in_current_release  # the app is set up by now

    return passed_in_current_release(user_id, course_id)


def setup(app: Flask, blueprint: Blueprint) -> None:
    hooks.add(hooks.release_passes, release_passes)


feature = Feature(name="quizzes", models=("lms.quizzes.models",), setup=setup)
