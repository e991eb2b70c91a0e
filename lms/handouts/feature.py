"""The handouts feature's registration (see lms.features)."""

from __future__ import annotations

from lms.features import Feature
from lms.handouts.views import bp

feature = Feature(
    name="handouts",
    blueprints=(bp,),
    models=("lms.handouts.models",),
    access={
        "lms.handouts.handout": ("teacher",),
        "lms.handouts.answers": ("teacher",),
    },
)
