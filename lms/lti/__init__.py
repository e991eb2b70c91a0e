"""LTI 1.3 tool (issue #19): a school's LMS (Moodle, Canvas, ...) launches our courses with
single sign-on. PyLTI1p3 does the protocol; this package stores registrations, keys and
login states in the database and closes the holes stock PyLTI1p3 leaves (see docs/lti.md)."""
