"""The ``admin`` blueprint and the check every admin page makes. The pages live in
:mod:`lms.admin.views` (accounts, the log) and :mod:`lms.admin.import_views` (CSV import);
importing :mod:`lms.admin.views` registers them all."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort
from flask_login import current_user, login_required

from lms.auth.models import Role

bp = Blueprint("admin", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role != Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
