"""The mail outbox (see lms.features): its table and ``lms mail send``."""

from __future__ import annotations

from lms.features import Feature
from lms.mail.cli import mail_group

feature = Feature(name="mail", models=("lms.mail.models",), commands=(mail_group,))
