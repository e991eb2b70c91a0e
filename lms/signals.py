"""Signals other features and host apps can subscribe to (blinker).

Each receives the Flask app as sender and keyword arguments as documented.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: An item (lesson or quiz) was completed for the first time:
#: ``user_id``, ``item_id``, ``course_id``.
item_completed = _signals.signal("lms-item-completed")
#: Every required item of a course is complete: ``user_id``, ``course_id``, ``completed_at``.
course_completed = _signals.signal("lms-course-completed")
#: A quiz attempt was graded: ``user_id``, ``item_id``, ``attempt_id``, ``passed``.
quiz_submitted = _signals.signal("lms-quiz-submitted")
#: A certificate was issued: ``certificate_id``.
certificate_issued = _signals.signal("lms-certificate-issued")
