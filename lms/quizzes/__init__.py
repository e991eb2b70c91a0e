"""Quiz attempts: snapshots of a quiz as the learner saw it, taking, grading through
:mod:`lms.questions`, review and the attempt pages.

Its registration (:mod:`lms.quizzes.feature`) tells :mod:`lms.progress` which quizzes a learner
moving to a new release of a course has already passed under its pass marks
(:data:`lms.hooks.release_passes`).
"""
