"""Operator commands (see lms.features): ``lms backup``, ``lms restore``, ``lms users delete``."""

from __future__ import annotations

import click

from lms.features import Feature
from lms.maintenance.cli import backup_command, delete_user_command, restore_command

# Merged by name into ``lms users`` (lms.extension).
users_group = click.Group("users", commands=(delete_user_command,))

feature = Feature(name="maintenance",
                  commands=(backup_command, restore_command, users_group))
