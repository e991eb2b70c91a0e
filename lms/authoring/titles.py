"""Course titles that must stay unique: an imported copy may not look like its original."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from lms.authoring.services import _title
from lms.authoring.storage import AuthoringDirs
from lms.courses.models import CourseText
from lms.db import db

__all__ = ["title_taken"]


def _same_title(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def title_taken(dirs: AuthoringDirs, title: str) -> bool:
    """Whether a course on the site or a draft has ``title`` already (in any language,
    ignoring case and spacing): a copy must not look like its original in the catalogue."""
    wanted = _same_title(title)
    if any(_same_title(_title(dirs.draft(slug))) == wanted for slug in dirs.slugs()):
        return True
    return any(_same_title(other) == wanted
               for other in db.session.scalars(select(CourseText.title)))
