"""Published browser-authored courses on a server that did not publish them.

Publishing unpacks the draft into ``<instance>/authoring/published/<slug>/`` on the server
that published it, and the course's ``source_dir`` names that folder. The lesson texts are in
the database, but the images are served from the folder: another server (another instance
folder) unpacks the published version from the database (``CourseVersion.package``) into its
own published folder the first time a learner needs one of its files.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from sqlalchemy import select

from lms.authoring.models import CourseVersion
from lms.authoring.packages import read_package
from lms.authoring.storage import (
    AuthoringDirs,
    atomic_write,
    course_lock,
    replace_tree,
    resolve_rel,
)
from lms.courses.models import Course
from lms.db import db

__all__ = ["mark_published", "prepare_published", "published_folder"]

logger = logging.getLogger(__name__)


def published_folder(dirs: AuthoringDirs, slug: str) -> Path | None:
    """This server's copy of the published version of ``slug`` that learners see (the one
    whose content the course has), unpacked when missing or older; None when the course was
    not published from the browser."""
    course_hash = db.session.scalar(select(Course.content_hash).where(Course.slug == slug))
    latest = select(CourseVersion).where(CourseVersion.course_slug == slug) \
        .order_by(CourseVersion.number.desc()).limit(1)
    version = db.session.scalar(latest.where(CourseVersion.content_hash == course_hash)) \
        or db.session.scalar(latest)
    if version is None:
        return None
    target = dirs.published_course(slug)
    marker = _marker(dirs, slug)
    with course_lock(target):
        if target.is_dir() and marker.is_file() and marker.read_text() == str(version.number):
            return target
        scratch = dirs.make_scratch()
        try:
            staged = scratch / slug
            staged.mkdir()
            for rel, data in read_package(version.package).items():
                atomic_write(resolve_rel(staged, rel), data)
            replace_tree(staged, target, scratch)
            atomic_write(marker, str(version.number).encode())
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    logger.info("course %s: version %s unpacked into %s", slug, version.number, target)
    return target


def _marker(dirs: AuthoringDirs, slug: str) -> Path:
    return dirs.published / f".{slug}.version"


def mark_published(dirs: AuthoringDirs, slug: str, number: int) -> None:
    """Record which version this server's published folder holds (it just published it)."""
    atomic_write(_marker(dirs, slug), str(number).encode())


def prepare_published(dirs: AuthoringDirs) -> None:
    """Before ``lms courses sync`` reads this server's published folders: each one holds the
    version the site shows (another server may have published a newer one), and the folders
    of courses taken off the site (on any server) are removed, so the sync neither turns a
    course back to an older version nor brings back one that was unpublished."""
    slugs = set(db.session.scalars(select(CourseVersion.course_slug).distinct()))
    available = {slug: live for slug, live in db.session.execute(
        select(Course.slug, Course.available).where(Course.slug.in_(slugs)))}
    for slug in sorted(slugs):
        if available.get(slug):
            published_folder(dirs, slug)
        else:
            shutil.rmtree(dirs.published_course(slug), ignore_errors=True)
            _marker(dirs, slug).unlink(missing_ok=True)
