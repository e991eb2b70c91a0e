"""Writing and reading the admin log (lms.admin.models.AdminAction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms.admin.models import AdminAction
from lms.auth.models import User
from lms.db import db, utcnow


def record(action: str, *, actor_id: int | None, target_id: int, detail: str = "",
           now: datetime | None = None) -> None:
    """Add a log row in the caller's transaction (the change and its record commit together)."""
    db.session.add(AdminAction(action=action, actor_id=actor_id, target_id=target_id,
                               detail=detail, created_at=now or utcnow()))


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    action: str
    detail: str
    actor: str | None  # None: the command line, or an account deleted since
    actor_deleted: bool
    target: str | None


def recent(limit: int = 200) -> list[LogEntry]:
    """The latest actions first, with the usernames as they are now."""
    actor, target = aliased(User), aliased(User)
    rows = db.session.execute(
        select(AdminAction, actor.username, actor.deleted_at, target.username)
        .outerjoin(actor, actor.id == AdminAction.actor_id)
        .outerjoin(target, target.id == AdminAction.target_id)
        .order_by(AdminAction.created_at.desc(), AdminAction.id.desc()).limit(limit)).all()
    return [LogEntry(row[0].created_at, row[0].action, row[0].detail, row[1],
                     row[2] is not None, row[3]) for row in rows]
