"""Open Badges 3.0: every certificate is also a signed OpenBadgeCredential (VC-JWT).

Built on :mod:`lms.certificates` services; registered through :mod:`lms.badges.feature`.
"""
