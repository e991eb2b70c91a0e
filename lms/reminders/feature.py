"""The reminders feature's registration (see lms.features): a command and its table."""

from __future__ import annotations

from lms.features import Feature
from lms.reminders.cli import reminders_group

feature = Feature(name="reminders", models=("lms.reminders.models",),
                  commands=(reminders_group,))
