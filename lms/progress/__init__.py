"""Learner progress: enrolments, completed items, completion rules."""
