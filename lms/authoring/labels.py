"""Version labels people can read (1.0, 1.1, 2.0): proposing the next one, refusing a label
that is not greater than the last or was used before, and writing it into ``course.md``.

The label is the course's ``version:``: the course page, the version list and certificates
print it. Numbers of the form ``1``, ``1.1`` or ``1.2.3`` compare part by part (``1.10`` comes
after ``1.9``); a label that is not a number (an old course's ``2024-spring``) is never
"greater", so the next one must be a number.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from lms.authoring import storage
from lms.authoring.models import CourseVersion
from lms.authoring.storage import DraftError
from lms.courses.models import Course, CourseRelease
from lms.db import db
from lms.problems import N_

__all__ = ["check_label", "last_label", "propose_label", "write_label"]

_LABEL_RE = re.compile(r"^\d{1,6}(?:\.\d{1,6}){0,3}$")
_VERSION_LINE_RE = re.compile(r"^version\s*:.*$", re.MULTILINE)


def _parts(label: str) -> tuple[int, ...] | None:
    if not _LABEL_RE.match(label):
        return None
    parts = [int(part) for part in label.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 2 and 2.0 are the same version
    return tuple(parts)


def _used(slug: str) -> list[str]:
    """Labels this course was published with: browser versions, then every release."""
    labels = list(db.session.scalars(select(CourseVersion.label)
                                     .where(CourseVersion.course_slug == slug)
                                     .order_by(CourseVersion.number)))
    course_id = db.session.scalar(select(Course.id).where(Course.slug == slug))
    if course_id is not None:
        labels += db.session.scalars(select(CourseRelease.version_label)
                                     .where(CourseRelease.course_id == course_id)
                                     .order_by(CourseRelease.number))
    return labels


def last_label(slug: str) -> str | None:
    """The label of the version on the site now (or last published), None before any."""
    latest = db.session.scalar(select(CourseVersion.label).where(CourseVersion.course_slug == slug)
                               .order_by(CourseVersion.number.desc()).limit(1))
    if latest is not None:
        return latest
    return db.session.scalar(select(Course.version).where(Course.slug == slug))


def propose_label(slug: str, draft_label: str) -> str:
    """The label the publish form offers: the draft's own when it is acceptable, else the
    last one with its last part raised (1.0 -> 1.1, 2 -> 2.1)."""
    if draft_label and check_label(slug, draft_label, raising=False):
        return draft_label
    numbers = [p for p in (_parts(label) for label in _used(slug)) if p is not None]
    if not numbers:
        return draft_label or "1.0"
    top = list(max(numbers))
    if len(top) == 1:
        top.append(0)
    top[-1] += 1
    return ".".join(str(part) for part in top)


def check_label(slug: str, label: str, *, raising: bool = True) -> bool:
    """Whether ``label`` may name the next version of ``slug``; DraftError (with the
    reason) when ``raising``."""
    reason = _refusal(slug, label.strip())
    if reason is not None and raising:
        raise DraftError(reason[0], **reason[1])
    return reason is None


def _refusal(slug: str, label: str) -> tuple[str, dict[str, str]] | None:
    mine = _parts(label)
    if mine is None:
        return N_('"%(label)s" is not a version label: use numbers like 1.1 or 2.0'), \
            {"label": label}
    used = _used(slug)
    if any(_parts(other) == mine or other == label for other in used):
        return N_('version %(label)s was published already: choose a new label'), \
            {"label": label}
    last = last_label(slug)
    numbers = [p for p in (_parts(other) for other in used) if p is not None]
    if numbers and mine < max(numbers):
        return N_('version %(label)s is not greater than the last one (%(last)s)'), \
            {"label": label, "last": last or ""}
    return None


def write_label(root: Path, label: str) -> None:
    """Put ``version: "label"`` in the draft's course.md (replacing the line there, or
    adding one after the opening ``---``)."""
    course_md = root / "course.md"
    text = course_md.read_bytes().decode("utf-8", errors="surrogateescape")
    line = f'version: "{label}"'
    if _VERSION_LINE_RE.search(text.split("\n---", 1)[0]):
        head, sep, rest = text.partition("\n---")
        head = _VERSION_LINE_RE.sub(line, head, count=1)
        new_text = head + sep + rest
    elif text.startswith("---"):
        first, _, rest = text.partition("\n")
        new_text = f"{first}\n{line}\n{rest}"
    else:
        raise DraftError(N_("course.md has no front matter"))
    if new_text != text:
        storage.atomic_write(course_md, new_text.encode("utf-8", errors="surrogateescape"))
