"""The admin pages' registration (see lms.features): accounts of any role and the admin log."""

from __future__ import annotations

from lms.admin.views import bp
from lms.features import Feature

feature = Feature(name="admin", blueprints=(bp,), models=("lms.admin.models",))
