"""The LTI feature's registration (see lms.features)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.features import Feature, NavEntry
from lms.lti.views import bp

feature = Feature(
    name="lti",
    blueprints=(bp,),
    models=("lms.lti.models",),
    nav=(NavEntry("lms.lti.admin_index", _l("LTI platforms"), roles=("admin",), order=90),),
    access={"lms.lti.admin_index": ("admin",), "lms.lti.admin_create": ("admin",)},
    # The other endpoints are called by platforms, not people, and need no login (each request
    # carries its own proof): no access rows (tests/test_authorization_matrix.py lists them).
)
