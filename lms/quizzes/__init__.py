"""Quiz attempts: snapshots of a quiz as the learner saw it, taking, grading through
:mod:`lms.questions`, review and the attempt pages."""
