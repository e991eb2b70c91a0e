"""The privacy feature's registration (see lms.features): data downloads and deletion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.features import Feature, NavEntry
from lms.privacy.views import bp

feature = Feature(
    name="privacy",
    blueprints=(bp,),
    nav=(NavEntry("lms.privacy.users", _l("Users"), roles=("admin",), order=30),),
    access={
        "lms.privacy.users": ("admin",),
        "lms.privacy.user_data": ("admin",),
        "lms.privacy.created_accounts": ("teacher",),
        "lms.privacy.delete_other": ("teacher",),
    },
)
