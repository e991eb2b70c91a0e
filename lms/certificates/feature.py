"""The certificates feature's registration (see lms.features)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.certificates.cli import certificates_group
from lms.certificates.views import bp
from lms.features import Feature, NavEntry

feature = Feature(
    name="certificates",
    blueprints=(bp,),
    models=("lms.certificates.models",),
    commands=(certificates_group,),
    nav=(NavEntry("lms.certificates.admin_list", _l("Certificates"), roles=("admin",),
                  order=40),
         # Every learner's own; after the plugins' links, next to "My account".
         NavEntry("lms.certificates.mine", _l("My certificates"), order=200)),
    access={
        "lms.certificates.admin_list": ("admin",),
        "lms.certificates.revoke": ("admin",),
    },
)
