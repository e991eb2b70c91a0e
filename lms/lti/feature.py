"""The LTI feature's registration (see lms.features)."""

from __future__ import annotations

from lms.features import Feature
from lms.lti.views import bp

feature = Feature(
    name="lti",
    blueprints=(bp,),
    models=("lms.lti.models",),
    # The endpoints are called by platforms, not people, and need no login (each request
    # carries its own proof): no access rows (tests/test_authorization_matrix.py lists them).
)
