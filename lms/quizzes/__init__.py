"""Quiz attempts: snapshots of a quiz as the learner saw it, taking, grading through
:mod:`lms.questions`, review and the attempt pages.

Importing this package tells :mod:`lms.progress` which quizzes a learner moving to a new
release of a course has already passed under its pass marks (:data:`lms.hooks.release_passes`).
"""

from __future__ import annotations

from lms import hooks


def _release_passes(user_id: int, course_id: int) -> set[int]:
    from lms.quizzes.services import passed_in_current_release  # the app is set up by now

    return passed_in_current_release(user_id, course_id)


hooks.add(hooks.release_passes, _release_passes)
