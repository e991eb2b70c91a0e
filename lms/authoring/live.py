"""Editing a course that is on the site, under its own course id.

A browser-authored course keeps its draft after publishing; when that draft is missing (a
fresh instance folder, say) it is made again from the published copy. A course authored as
files (``courses/`` or an entry point) follows its files until a trainer *takes it over*:
its files are copied into a draft of the same id and a :class:`CourseTakeover` row records
that the browser now wins, so ``lms courses sync`` skips those files from then on.
Publishing the draft makes the next version of the same course: learners keep their
progress, and those in progress stay on the release they started (``lms.progress``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.authoring import publishing
from lms.authoring.models import CourseTakeover, CourseVersion
from lms.authoring.packages import pack_folder
from lms.authoring.services import role_for
from lms.authoring.storage import AuthoringDirs, DraftError
from lms.courses.models import Course
from lms.db import db
from lms.problems import N_

__all__ = ["LiveCourse", "TakeoverRefused", "live_course", "open_draft", "take_over",
           "taken_over_slugs", "takeover_of"]


class TakeoverRefused(DraftError):
    """The course cannot be taken over (again); nothing was changed."""


@dataclass(frozen=True)
class LiveCourse:
    course: Course
    kind: str  # draft (a draft exists) | browser (published from the browser) | files
    takeover: CourseTakeover | None


def takeover_of(slug: str) -> CourseTakeover | None:
    return db.session.scalar(select(CourseTakeover).where(CourseTakeover.course_slug == slug))


def taken_over_slugs() -> set[str]:
    """Courses whose files ``lms courses sync`` skips: the browser owns them now."""
    return set(db.session.scalars(select(CourseTakeover.course_slug)))


def live_course(dirs: AuthoringDirs, slug: str) -> LiveCourse | None:
    """The course ``slug`` on the site and where its text comes from; None if not a course."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None
    if (dirs.draft(slug) / "course.md").is_file():
        kind = "draft"
    elif db.session.scalar(select(CourseVersion.id).where(CourseVersion.course_slug == slug)
                           .limit(1)) is not None:
        kind = "browser"  # published from the browser (on this server or another)
    else:
        kind = "files"
    return LiveCourse(course, kind, takeover_of(slug))


def open_draft(dirs: AuthoringDirs, slug: str, *, user_id: int, is_admin: bool,
               course_dirs: list[Path], question_types: Mapping[str, Any] | None) -> None:
    """Make the missing draft of a browser-authored course again from its latest version.

    Only its authors (and admins) may; DraftError otherwise.
    """
    live = live_course(dirs, slug)
    if live is None or live.kind != "browser":
        raise DraftError(N_("no such course"))
    if role_for(slug, user_id, is_admin=is_admin) is None:
        raise DraftError(N_("only the course's authors can edit it; ask its owner or an "
                            "administrator to add you as a co-author"))
    # The latest version's package: the database has it whichever server published it.
    latest = publishing.versions(slug)[0]
    publishing.import_course(dirs, latest.package, owner_id=None, course_dirs=course_dirs,
                             question_types=question_types, live_ok=True)


def take_over(dirs: AuthoringDirs, slug: str, *, user_id: int, now: datetime,
              course_dirs: list[Path], question_types: Mapping[str, Any] | None) -> None:
    """Copy the files of the course ``slug`` into a draft of the same id, owned by
    ``user_id``, and record that the browser wins over those files from now on.

    TakeoverRefused when the course was taken over already or is not authored as files.
    """
    live = live_course(dirs, slug)
    if live is None:
        raise TakeoverRefused(N_("no such course"))
    if live.takeover is not None:
        raise TakeoverRefused(N_("this course was taken over in the browser already (on "
                                 "%(date)s): edit its draft instead"),
                              date=live.takeover.taken_at.date().isoformat())
    if live.kind != "files":
        raise TakeoverRefused(N_("this course is written in the browser already: edit its "
                                 "draft"))
    source = Path(live.course.source_dir)
    if not (source / "course.md").is_file():
        raise TakeoverRefused(N_("the files of this course cannot be found (%(folder)s)"),
                              folder=str(source))
    # The row first: of two trainers pressing the button at once, one gets the unique
    # constraint and a clear message, and only one draft is made.
    db.session.add(CourseTakeover(course_slug=slug, user_id=user_id, source_dir=str(source),
                                  taken_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise TakeoverRefused(N_("this course was taken over in the browser already: edit "
                                 "its draft instead")) from None
    try:
        publishing.import_course(dirs, pack_folder(source, slug), owner_id=user_id,
                                 course_dirs=course_dirs, question_types=question_types,
                                 live_ok=True)
    except BaseException:
        db.session.rollback()
        row = takeover_of(slug)
        if row is not None:
            db.session.delete(row)
            db.session.commit()
        raise

