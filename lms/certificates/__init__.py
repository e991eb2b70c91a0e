"""Certificates: issued once on course completion, rendered to PDF, verifiable by anyone.

Importing this package subscribes the issuer to :data:`lms.signals.course_completed`.
"""

from __future__ import annotations

from lms.certificates.services import on_course_completed
from lms.signals import course_completed

# A module-level function: blinker keeps the weak reference alive; connecting twice is a no-op.
course_completed.connect(on_course_completed)
