"""Certificates: claimed after a completed course (the learner confirms the printed name),
rendered to PDF on first download, verifiable by anyone, reissued after a name fix.

Importing this package subscribes the "claim your certificate" message to
:data:`lms.signals.course_completed`.
"""

from __future__ import annotations

from lms.certificates.views import on_course_completed
from lms.signals import course_completed

# A module-level function: blinker keeps the weak reference alive; connecting twice is a no-op.
course_completed.connect(on_course_completed)
