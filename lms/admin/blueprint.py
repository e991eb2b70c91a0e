"""The ``admin`` blueprint and the check every admin page makes. The pages live in
:mod:`lms.admin.views` (accounts, the log) and :mod:`lms.admin.import_views` (CSV import);
importing :mod:`lms.admin.views` registers them all."""

from __future__ import annotations

from flask import Blueprint

from lms.auth.models import Role
from lms.security import role_required

bp = Blueprint("admin", __name__)

#: Every page here is an administrator's (lms.security.role_required).
admin_required = role_required(Role.ADMIN)
