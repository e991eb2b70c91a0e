"""The one rounding rule for every percentage a person reads: round *down* (floor).

Why down: a pass mark is a threshold. Rounding to nearest would show 69.6% as "70%" to a
learner who failed a quiz with a 70% pass mark, and 99.6% of a course as "100% done" before
it is. Floor never shows a number the learner has not reached. Quiz grading compares with a
tiny tolerance (lms.questions.grading: 7 right out of 10 in floating point may come out as
69.99999999), and so does this rule, so the number shown reaches the pass mark exactly when
the attempt passed.

Use :func:`shown_percent` for a percentage already computed (a quiz score), :func:`percent_of`
for a part of a whole (items done), and the ``percent`` template filter in templates.
Pure: no app, no database.
"""

from __future__ import annotations

import math

#: Slack for sums of fractions such as 1/3; lms.questions.grading's pass check uses it too.
TOLERANCE = 1e-9


def shown_percent(value: float | None) -> int:
    """``value`` (0-100, None as 0) as the whole number shown: 69.6 -> 69, 69.999999999 -> 70."""
    if value is None or math.isnan(value):
        return 0
    return max(0, min(100, math.floor(value + TOLERANCE)))


def percent_of(part: int, whole: int, *, empty: int = 0) -> int:
    """``part`` of ``whole`` in percent, rounded down (exact integer arithmetic); ``empty``
    when there is nothing to count."""
    if whole <= 0:
        return empty
    return max(0, min(100, 100 * part // whole))
