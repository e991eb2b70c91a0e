"""Reminders: the weekly digest of due and overdue work (``lms reminders send``)."""
