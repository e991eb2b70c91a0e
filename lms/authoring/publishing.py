"""Publishing drafts as immutable versions, unpublishing, version diffs, export and import."""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lms.authoring import labels, storage
from lms.authoring.models import CourseAuthor, CourseVersion
from lms.authoring.packages import ZipLimits, extract_package, pack_folder, read_package
from lms.authoring.published import mark_published
from lms.authoring.services import DraftProblem, _load, _title, role_for, slug_in_use
from lms.authoring.storage import AuthoringDirs, DraftError
from lms.authoring.titles import title_taken
from lms.courses.models import Course
from lms.courses.package import load_course
from lms.courses.sync import sync_courses
from lms.db import db
from lms.problems import N_, Joined, Text

__all__ = ["PublishRefused", "course_source", "export_course", "import_course", "publish",
           "unpublish", "version_diff", "versions"]


class PublishRefused(Exception):
    """The draft has errors: nothing was published."""

    def __init__(self, problems: list[DraftProblem]) -> None:
        super().__init__("the draft has errors")
        self.problems = problems


def versions(slug: str) -> list[CourseVersion]:
    return list(db.session.scalars(select(CourseVersion).where(CourseVersion.course_slug == slug)
                                   .order_by(CourseVersion.number.desc())))


def get_version(slug: str, number: int) -> CourseVersion | None:
    return db.session.scalar(select(CourseVersion).where(
        CourseVersion.course_slug == slug, CourseVersion.number == number))


def publish(dirs: AuthoringDirs, slug: str, *, user_id: int | None, note: str, now: datetime,
            question_types: Mapping[str, Any] | None, label: str = "") -> CourseVersion | None:
    """Check the draft, store it as the next version, copy it to the published folder and
    sync that one course. Returns None when the draft equals the latest version (the course
    is only made available again).

    ``label`` (1.1, 2.0 …) becomes the course's ``version:``; empty: the draft's own when it
    is acceptable, else the proposed next one. DraftError for a label that is not a number
    greater than the last or that was used before (see :mod:`lms.authoring.labels`).
    """
    root = dirs.draft(slug)
    with dirs.editing(slug):
        spec, problems = _load(root, question_types)
        if spec is None or any(p.is_error for p in problems):
            raise PublishRefused([p for p in problems if p.is_error])
        latest = versions(slug)[:1]
        changed = not latest or latest[0].content_hash != spec.content_hash
        if changed:
            chosen = label.strip() or labels.propose_label(slug, spec.version)
            labels.check_label(slug, chosen)
            if chosen != spec.version:
                labels.write_label(root, chosen)
                spec, problems = _load(root, question_types)
                if spec is None or any(p.is_error for p in problems):
                    raise PublishRefused([p for p in problems if p.is_error])
        package = pack_folder(root, slug)
        version = None
        if changed:
            number = (db.session.scalar(select(func.max(CourseVersion.number))
                                        .where(CourseVersion.course_slug == slug)) or 0) + 1
            version = CourseVersion(course_slug=slug, number=number, label=spec.version,
                                    content_hash=spec.content_hash, package=package,
                                    published_by_id=user_id, published_at=now,
                                    note=note.strip())
            db.session.add(version)
        scratch = dirs.make_scratch()
        staged = scratch / slug
        shutil.copytree(root, staged, ignore=shutil.ignore_patterns(".*"))
        target = dirs.published_course(slug)
        old = scratch / "previous"
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.rename(target, old)
        os.rename(staged, target)
        try:
            published, found = load_course(target, question_types=question_types)
            if published is None:  # cannot happen after the check above, but never sync junk
                raise PublishRefused([DraftProblem("", 0, str(p), True) for p in found])
            sync_courses([published], now=now, withdraw_missing=False)  # commits the version
        except BaseException:
            db.session.rollback()
            shutil.rmtree(target, ignore_errors=True)
            if old.exists():
                os.rename(old, target)
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    rows = versions(slug)
    for row in rows:
        if row.course_id is None and course is not None:
            row.course_id = course.id
    db.session.commit()
    mark_published(dirs, slug, rows[0].number)
    return version


def unpublish(dirs: AuthoringDirs, slug: str) -> None:
    """Take the course off the site: learners' records stay, the versions stay, and the
    published folder goes so ``lms courses sync`` does not bring it back."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is not None:
        course.available = False
        db.session.commit()
    shutil.rmtree(dirs.published_course(slug), ignore_errors=True)


@dataclass
class FileDiff:
    path: str
    status: str  # added | removed | changed
    lines: list[str]  # unified diff lines; empty for binary files
    binary: bool = False


def version_diff(old: CourseVersion, new: CourseVersion) -> list[FileDiff]:
    """Per file unified diff between two stored versions."""
    before, after = read_package(old.package), read_package(new.package)
    result = []
    for path in sorted(set(before) | set(after)):
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        if not path.endswith(".md"):
            result.append(FileDiff(path, status, [], binary=True))
            continue
        a_lines = (a or b"").decode("utf-8", errors="replace").split("\n")
        b_lines = (b or b"").decode("utf-8", errors="replace").split("\n")
        lines = list(difflib.unified_diff(a_lines, b_lines, f"version {old.number}/{path}",
                                          f"version {new.number}/{path}", lineterm=""))
        result.append(FileDiff(path, status, lines))
    return result


def course_source(dirs: AuthoringDirs, slug: str) -> Path | None:
    """The folder a course's export is made from: its draft when browser-authored, else the
    folder it was synced from (a course authored on disk)."""
    if (dirs.draft(slug) / "course.md").is_file():
        return dirs.draft(slug)
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is not None and (Path(course.source_dir) / "course.md").is_file():
        return Path(course.source_dir)
    return None


def export_course(dirs: AuthoringDirs, slug: str) -> bytes:
    source = course_source(dirs, slug)
    if source is None:
        raise DraftError(N_("no such course"))
    return pack_folder(source, slug)


def import_course(dirs: AuthoringDirs, data: bytes, *, owner_id: int | None,
                  course_dirs: list[Path], question_types: Mapping[str, Any] | None,
                  new_slug: str = "", limits: ZipLimits | None = None,
                  live_ok: bool = False, new_title: str = "") -> str:
    """Import a zipped package as a new browser-authored draft; returns its course id.

    The zip is checked, extracted into a scratch folder and loaded with the course checker;
    only a package without errors is moved into place, in one rename. A course id already
    used (on disk, on the site or by another draft) is refused: give ``new_slug`` to import
    a copy under another id. ``live_ok`` makes the draft of a live course under its own id
    (see :mod:`lms.authoring.live`). A copy under another id must have a title no other
    course or draft has: ``new_title`` gives it one.
    """
    scratch = dirs.make_scratch()
    try:
        unpacked = scratch / "unpacked"
        unpacked.mkdir()
        found_slug = extract_package(data, unpacked, limits)
        slug = new_slug.strip() or found_slug
        reason = slug_in_use(dirs, slug, course_dirs, live_ok=live_ok)
        if reason:
            raise DraftError(N_('cannot import "%(slug)s": %(reason)s. Choose another id to '
                                'import a copy.'), slug=slug, reason=Text(reason))
        staged = scratch / slug
        os.rename(unpacked, staged)
        if not (staged / "course.md").is_file():
            raise DraftError(N_("the zip holds no course.md in its course folder"))
        if slug != found_slug or new_title.strip():
            _retitle_copy(dirs, staged, new_title)
        spec, problems = _load(staged, question_types)
        errors = [p for p in problems if p.is_error]
        if spec is None or errors:
            raise DraftError(N_("the course has errors, nothing was imported: %(listed)s"),
                             listed=Joined.of(_located(p) for p in errors[:10]))
        with dirs.editing(slug) as root:
            if root.exists():  # started by someone else meanwhile
                raise DraftError(N_("a course with this id exists already"))
            root.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staged, root)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if owner_id is not None and role_for(slug, owner_id, is_admin=False) is None:
        db.session.add(CourseAuthor(course_slug=slug, user_id=owner_id, role="owner"))
        db.session.commit()
    return slug


def _retitle_copy(dirs: AuthoringDirs, staged: Path, new_title: str) -> None:
    """Give an imported copy ``new_title``; refuse a title the catalogue has already, so
    the copy and its original are never two identical rows."""
    from lms.authoring.retitle import set_title

    title = " ".join(new_title.split()) or _title(staged)
    if title_taken(dirs, title):
        raise DraftError(N_('a course titled "%(title)s" exists already: give the copy a new '
                            'title'), title=title)
    if new_title.strip():
        course_md = staged / "course.md"
        text = course_md.read_bytes().decode("utf-8", errors="surrogateescape")
        storage.atomic_write(course_md, set_title(text, title).encode("utf-8",
                                                                     errors="surrogateescape"))


def _located(problem: DraftProblem) -> Text:
    # Not marked for translation: only the message inside is translated.
    if not problem.line:  # the whole file, or one that is missing: no line to name
        return Text("%(rel)s: %(message)s", {"rel": problem.rel, "message": problem})
    return Text("%(rel)s:%(line)s: %(message)s",
                {"rel": problem.rel, "line": problem.line, "message": problem})
