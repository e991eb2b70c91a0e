"""Where course drafts live on disk, and the safe primitives to read and write their files.

Pure file operations, no Flask and no database: every write goes to a temporary file that
replaces the target with ``os.replace``, changes to one draft hold a lock file, and paths
from the browser are resolved so they cannot leave the draft's folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lms.problems import N_, MessageError

__all__ = [
    "AuthoringDirs",
    "DraftError",
    "atomic_write",
    "content_hash",
    "course_lock",
    "read_file",
    "replace_tree",
    "resolve_rel",
]


class DraftError(MessageError):
    """A change the draft cannot take; the message is shown to the trainer (translated).

    ``DraftError(N_("no such file"))`` or, with parameters,
    ``DraftError(N_('there is a module with the id "%(slug)s" already'), slug=slug)``.
    """


@dataclass(frozen=True)
class AuthoringDirs:
    """Where authoring keeps its folders inside the instance folder."""

    base: Path

    @property
    def drafts(self) -> Path:
        return self.base / "drafts"

    @property
    def published(self) -> Path:
        return self.base / "published"

    @property
    def scratch(self) -> Path:
        """Temporary folders, on the same file system so renames are atomic."""
        return self.base / "tmp"

    def draft(self, slug: str) -> Path:
        return self.drafts / slug

    def published_course(self, slug: str) -> Path:
        return self.published / slug

    def make_scratch(self) -> Path:
        self.scratch.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.scratch))

    def slugs(self) -> list[str]:
        """The ids of the drafts there are (here: the folders on this disk)."""
        if not self.drafts.is_dir():
            return []
        return sorted(p.name for p in self.drafts.iterdir()
                      if p.is_dir() and not p.name.startswith("."))

    @contextlib.contextmanager
    def editing(self, slug: str) -> Iterator[Path]:
        """Hold the draft ``slug`` while changing its files; yields its folder.

        Here only the folder's lock: :class:`lms.authoring.shared.SharedDirs` also takes the
        draft's row lock and writes the changed files to the database.
        """
        root = self.draft(slug)
        with course_lock(root):
            yield root


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


@contextlib.contextmanager
def course_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on one course's draft while checking and writing it."""
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f".{root.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def resolve_rel(root: Path, rel: str) -> Path:
    """The file ``rel`` inside ``root``; DraftError for anything that leaves the folder."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".", "") for p in pure.parts) \
            or any(p.startswith(".") for p in pure.parts):
        raise DraftError(N_("not a file of this course"))
    path = root.joinpath(*pure.parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise DraftError(N_("not a file of this course"))
    return path


def read_file(root: Path, rel: str) -> bytes:
    path = resolve_rel(root, rel)
    if not path.is_file():
        raise DraftError(N_("this file does not exist (any more)"))
    return path.read_bytes()


def replace_tree(source: Path, target: Path, scratch: Path) -> None:
    """Put the folder ``source`` at ``target`` in one rename; an old ``target`` is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=scratch)) / "old"
        os.rename(target, old)
    os.rename(source, target)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)
