"""Drafts shared by every app server: the database holds their files, each server a copy.

The course checker, the preview and every edit work on a folder (a course package), so each
server keeps a working copy of a draft in ``<instance>/authoring/drafts/<slug>/`` and the
database is what they share:

- reading: :meth:`SharedDirs.draft` compares the draft's ``revision`` in the database with the
  revision the copy was made from (``drafts/.<slug>.revision``) and rebuilds the copy from the
  :class:`~lms.authoring.models.DraftFile` rows when another server changed the draft;
- changing: :meth:`SharedDirs.editing` locks the draft's row (``SELECT … FOR UPDATE`` on
  PostgreSQL; SQLite serialises writers itself) and the folder, brings the copy up to date,
  lets the change happen, then writes the files that differ back and counts a new revision.
  A change that fails leaves the database as it was; the copy is rebuilt on the next read.

A folder with a ``course.md`` but no row (a draft from before the database held drafts) is
imported the first time it is seen; ``lms courses import-drafts`` imports them all at once.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.authoring.models import Draft, DraftFile
from lms.authoring.packages import package_files
from lms.authoring.storage import (
    AuthoringDirs,
    DraftError,
    atomic_write,
    content_hash,
    course_lock,
    replace_tree,
    resolve_rel,
)
from lms.courses.schema import is_slug
from lms.db import db, utcnow
from lms.problems import N_

__all__ = ["SharedDirs", "content_type", "import_local_drafts"]

logger = logging.getLogger(__name__)


def content_type(path: str) -> str:
    if path.endswith(".md"):
        return "text/markdown; charset=utf-8"
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


@dataclass(frozen=True)
class SharedDirs(AuthoringDirs):
    """Authoring folders whose drafts live in the database (see the module's text)."""

    user_id: int | None = None  # recorded as ``updated_by`` of what changes
    _held: set[str] = field(default_factory=set, compare=False, repr=False)

    def draft(self, slug: str) -> Path:
        root = super().draft(slug)
        if slug not in self._held and is_slug(slug):
            self._refresh(slug, root)
        return root

    def slugs(self) -> list[str]:
        for slug in super().slugs():  # folders of this server from before the database
            if (super().draft(slug) / "course.md").is_file():
                self.draft(slug)
        return list(db.session.scalars(select(Draft.course_slug).order_by(Draft.course_slug)))

    @contextlib.contextmanager
    def editing(self, slug: str) -> Iterator[Path]:
        if not is_slug(slug):
            raise DraftError(N_("no such course"))
        root = self.draft(slug)  # imports a folder from before the database
        draft = db.session.scalar(
            select(Draft).where(Draft.course_slug == slug).with_for_update()
            # The row as another server may just have committed it, not as first loaded.
            .execution_options(populate_existing=True))
        existed = root.exists()
        with course_lock(root):
            self._held.add(slug)
            try:
                if draft is not None and self._revision(slug) != draft.revision:
                    self._rebuild(slug, root, draft)
                # Read now: a change may commit (publishing does), which expires the row.
                draft_id, started = (draft.id, draft.revision) if draft is not None else (None, 0)
                yield root
                self._write_back(slug, root, draft_id, started)
            except BaseException:
                # Nothing of a failed change is kept, and the row lock goes at once.
                db.session.rollback()
                self._forget(slug)
                if draft is None and not existed:
                    shutil.rmtree(root, ignore_errors=True)
                raise
            finally:
                self._held.discard(slug)

    # -- the working copy -------------------------------------------------------------------

    def _marker(self, slug: str) -> Path:
        return self.drafts / f".{slug}.revision"

    def _revision(self, slug: str) -> int | None:
        try:
            return int(self._marker(slug).read_text())
        except (OSError, ValueError):
            return None

    def _forget(self, slug: str) -> None:
        self._marker(slug).unlink(missing_ok=True)

    def _refresh(self, slug: str, root: Path) -> None:
        row = db.session.execute(select(Draft.id, Draft.revision)
                                 .where(Draft.course_slug == slug)).first()
        if row is None:
            if (root / "course.md").is_file():
                import_local_draft(self, slug)
            return
        if self._revision(slug) == row.revision:
            return
        with course_lock(root):
            draft = db.session.get(Draft, row.id, populate_existing=True)
            if draft is not None and self._revision(slug) != draft.revision:
                self._rebuild(slug, root, draft)

    def _rebuild(self, slug: str, root: Path, draft: Draft) -> None:
        """Replace the working copy by the draft's files in the database (one rename)."""
        scratch = self.make_scratch()
        try:
            staged = scratch / slug
            staged.mkdir()
            rows = db.session.execute(select(DraftFile.path, DraftFile.content)
                                      .where(DraftFile.draft_id == draft.id))
            for path, data in rows:
                atomic_write(resolve_rel(staged, path), data)
            replace_tree(staged, root, scratch)
            atomic_write(self._marker(slug), str(draft.revision).encode())
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        logger.info("draft %s: working copy rebuilt at revision %s", slug, draft.revision)

    def _write_back(self, slug: str, root: Path, draft_id: int | None, started: int) -> None:
        """Store the files of the working copy that differ from the database's and count a
        new revision of the draft, unless the draft is no longer at revision ``started`` (the
        change was made on an older copy); commits."""
        files = {str(rel): (root / rel).read_bytes()
                 for rel in (package_files(root) if root.is_dir() else [])}
        if draft_id is None:
            if not files:
                return
            draft = Draft(course_slug=slug, revision=0, updated_by_id=self.user_id)
            db.session.add(draft)
            try:
                db.session.flush()
            except IntegrityError:  # another server started a draft with this id meanwhile
                db.session.rollback()
                raise DraftError(N_("a course with this id exists already")) from None
            draft_id = draft.id
        now = utcnow()
        rows = {row.path: row for row in db.session.scalars(
            select(DraftFile).where(DraftFile.draft_id == draft_id))}
        changed = False
        for path, data in files.items():
            digest, row = content_hash(data), rows.pop(path, None)
            if row is None:
                db.session.add(DraftFile(draft_id=draft_id, path=path, content=data,
                                         content_type=content_type(path), content_hash=digest,
                                         updated_at=now, updated_by_id=self.user_id))
            elif row.content_hash != digest:
                row.content, row.content_hash = data, digest
                row.revision += 1
                row.updated_at, row.updated_by_id = now, self.user_id
            else:
                continue
            changed = True
        for row in rows.values():
            db.session.delete(row)
            changed = True
        revision = started
        if changed or started == 0:
            # The row lock makes this a formality on PostgreSQL; elsewhere (SQLite shared by
            # two instance folders) it is what refuses a change made on an older copy.
            counted = db.session.execute(
                update(Draft).where(Draft.id == draft_id, Draft.revision == started)
                .values(revision=started + 1, updated_at=now, updated_by_id=self.user_id))
            if counted.rowcount != 1:  # type: ignore[attr-defined]
                db.session.rollback()
                raise DraftError(N_("the course was changed elsewhere at the same moment: "
                                    "nothing was saved, please try again"))
            revision = started + 1
        db.session.commit()
        atomic_write(self._marker(slug), str(revision).encode())


def import_local_draft(dirs: SharedDirs, slug: str) -> bool:
    """Store a draft folder that has no row yet (made before drafts were in the database);
    True when it was imported."""
    root = AuthoringDirs.draft(dirs, slug)
    if not (root / "course.md").is_file():
        return False
    if db.session.scalar(select(Draft.id).where(Draft.course_slug == slug)) is not None:
        return False
    with course_lock(root):
        dirs._held.add(slug)
        try:
            dirs._write_back(slug, root, None, 0)
        finally:
            dirs._held.discard(slug)
    logger.info("draft %s: imported from %s into the database", slug, root)
    return True


def import_local_drafts(dirs: SharedDirs) -> list[str]:
    """Import every draft folder of this server that the database does not hold yet."""
    return [slug for slug in AuthoringDirs.slugs(dirs)
            if is_slug(slug) and import_local_draft(dirs, slug)]
