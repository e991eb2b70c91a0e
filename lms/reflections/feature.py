"""The reflections feature's registration (see lms.features)."""

from __future__ import annotations

from lms.features import Feature
from lms.reflections.views import bp

feature = Feature(
    name="reflections",
    blueprints=(bp,),
    models=("lms.reflections.models",),
    access={
        "lms.reflections.index": ("teacher",),
        "lms.reflections.board": ("teacher",),
        "lms.reflections.comment": ("teacher",),
    },
)
