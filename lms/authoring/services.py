"""Authoring services: who may edit, creating drafts, checking, previewing and saving files.

Publishing, versions and zips are in ``lms.authoring.publishing``. Every function takes the
authoring folders (``AuthoringDirs``) and plain values; none reads the request.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import select

from lms.auth.models import User
from lms.authoring import drafts, storage
from lms.authoring.media import MAX_IMAGE_BYTES, check_image
from lms.authoring.models import CourseAuthor, CourseTakeover, CourseVersion
from lms.authoring.photos import prepare_image
from lms.authoring.storage import AuthoringDirs, DraftError
from lms.courses.models import Course
from lms.courses.package import CourseSpec, TextVersion, find_course_dirs
from lms.courses.schema import is_slug
from lms.db import db
from lms.problems import N_, Problem, render

__all__ = [
    "Conflict", "DraftError", "DraftProblem", "Invalid", "Preview", "check_draft",
    "create_course", "editable_courses", "preview_file", "role_for", "save_file",
    "slug_in_use", "upload_image",
]


@dataclass(frozen=True)
class DraftProblem:
    """A checker problem with its path relative to the draft (``""`` for the whole course).

    ``message`` is English; ``translated(gettext)`` gives it in the page's language.
    """

    rel: str
    line: int
    message: str
    is_error: bool
    template: str = field(default="", compare=False, repr=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def translated(self, gettext: Any) -> str:
        return render(self.template, self.params, gettext) if self.template else self.message

    def __str__(self) -> str:
        where = f"{self.rel}:{self.line}" if self.line else self.rel  # 0: the whole file
        return f"{where}: {self.message}"


class Conflict(Exception):
    """The file changed since the editor opened it: nothing was written."""

    def __init__(self, current_text: str, current_hash: str) -> None:
        super().__init__("the file changed meanwhile")
        self.current_text = current_text
        self.current_hash = current_hash


class Invalid(Exception):
    """The text has errors in this file (kept for callers; saving no longer refuses)."""

    def __init__(self, problems: list[DraftProblem]) -> None:
        super().__init__("the file has errors")
        self.problems = problems


# -- roles ---------------------------------------------------------------------------------


def role_for(slug: str, user_id: int, *, is_admin: bool) -> str | None:
    """``admin``, ``owner``, ``coauthor`` or None (may not edit ``slug``)."""
    if is_admin:
        return "admin"
    return db.session.scalar(select(CourseAuthor.role).where(
        CourseAuthor.course_slug == slug, CourseAuthor.user_id == user_id))


def authors_of(slug: str) -> list[tuple[CourseAuthor, User]]:
    rows = db.session.execute(
        select(CourseAuthor, User).join(User, User.id == CourseAuthor.user_id)
        .where(CourseAuthor.course_slug == slug).order_by(CourseAuthor.role.desc(), User.username))
    return [(author, user) for author, user in rows]


def add_coauthor(slug: str, username: str) -> None:
    """Let the trainer ``username`` edit the draft of ``slug``."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.has_role("trainer"):
        raise DraftError(N_("there is no trainer with this username"))
    if role_for(slug, user.id, is_admin=False) is not None:
        raise DraftError(N_("this trainer is an author of the course already"))
    db.session.add(CourseAuthor(course_slug=slug, user_id=user.id, role="coauthor"))
    db.session.commit()


def remove_coauthor(slug: str, user_id: int) -> None:
    author = db.session.scalar(select(CourseAuthor).where(
        CourseAuthor.course_slug == slug, CourseAuthor.user_id == user_id,
        CourseAuthor.role == "coauthor"))
    if author is not None:
        db.session.delete(author)
        db.session.commit()


@dataclass
class CourseEntry:
    slug: str
    title: str
    role: str | None
    published: Course | None
    on_disk: bool = False


def editable_courses(dirs: AuthoringDirs, user_id: int, *, is_admin: bool) -> list[CourseEntry]:
    """Drafts the user may edit (admins: all), then courses authored on disk (export only)."""
    slugs = dirs.slugs()
    courses = {course.slug: course for course in db.session.scalars(select(Course))}
    # One query for the user's roles, not one per draft (role_for gives the same answers).
    roles: dict[str, str] = {} if is_admin else {
        slug: role for slug, role in db.session.execute(
            select(CourseAuthor.course_slug, CourseAuthor.role)
            .where(CourseAuthor.user_id == user_id))}
    entries = []
    for slug in slugs:
        role = "admin" if is_admin else roles.get(slug)
        if role is not None and (dirs.draft(slug) / "course.md").is_file():
            entries.append(CourseEntry(slug, _title(dirs.draft(slug)), role, courses.get(slug)))
    # From the database, not from whose published folder holds the copy: a course published
    # on another server (same database, other instance folder) is browser-authored too.
    browser = set(db.session.scalars(select(CourseVersion.course_slug).distinct())) \
        | set(db.session.scalars(select(CourseTakeover.course_slug)))
    published_root = dirs.published.resolve()  # and copies here from before versions
    for slug, course in sorted(courses.items()):
        if course.available and slug not in browser \
                and not Path(course.source_dir).is_relative_to(published_root) \
                and slug not in slugs:  # taken over: its draft is listed above
            entries.append(CourseEntry(slug, _title(Path(course.source_dir)), None, course, True))
    return entries


def _title(root: Path) -> str:
    try:
        for line in (root / "course.md").read_text(encoding="utf-8").split("\n")[1:30]:
            if line.startswith("title:"):
                return line.split(":", 1)[1].strip().strip("\"'") or root.name
    except (OSError, UnicodeDecodeError):
        pass
    return root.name


# -- creating ------------------------------------------------------------------------------


def slug_in_use(dirs: AuthoringDirs, slug: str, course_dirs: list[Path], *,
                live_ok: bool = False) -> str | None:
    """Why ``slug`` cannot be used for a new browser course (a template marked with N_), or
    None. ``live_ok``: the course on the site (and its files) may have the id, because its
    draft is being made under that same id (editing a live course in place)."""
    if not is_slug(slug):
        return N_("use lowercase letters, digits and single hyphens")
    if dirs.draft(slug).exists():
        return N_("a browser-authored course has this id already")
    if live_ok:
        return None
    if dirs.published_course(slug).exists():
        return N_("a browser-authored course has this id already")
    if any(root.name == slug for root in find_course_dirs(course_dirs)):
        return N_("a course authored on disk (in the courses folder) has this id")
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        return N_("a course with this id exists on the site already")
    return None


def create_course(dirs: AuthoringDirs, *, slug: str, title: str, summary: str, topic: str,
                  languages: list[str], owner: User, course_dirs: list[Path]) -> None:
    """Start a browser-authored course owned by ``owner``: course.md and a first module."""
    reason = slug_in_use(dirs, slug, course_dirs)
    if reason:
        raise DraftError(reason)
    with dirs.editing(slug) as root:
        drafts.write_course_md(root, title=title, summary=summary, topic=topic,
                               languages=languages, author=owner.display_name)
    db.session.add(CourseAuthor(course_slug=slug, user_id=owner.id, role="owner"))
    db.session.commit()


# -- checking and previewing ----------------------------------------------------------------


def _relative(problem: Problem, root: Path) -> DraftProblem:
    prefix = root.as_posix().rstrip("/") + "/"
    rel = problem.path[len(prefix):] if problem.path.startswith(prefix) else ""
    return DraftProblem(rel, problem.line, problem.message, problem.is_error, problem.template,
                        problem.params)


def _load(root: Path, question_types: Mapping[str, Any] | None
          ) -> tuple[CourseSpec | None, list[DraftProblem]]:
    """The same loader as ``lms courses check``, keeping the spec even when there are errors
    (the preview shows what it can)."""
    from lms.courses.loader import CourseLoader  # YAML and markdown: only when checking

    loader = CourseLoader(root, question_types)
    spec = loader.load()
    return spec, [_relative(p, root) for p in sorted(set(loader.problems))]


def check_draft(dirs: AuthoringDirs, slug: str, question_types: Mapping[str, Any] | None
                ) -> list[DraftProblem]:
    return _load(dirs.draft(slug), question_types)[1]


@dataclass
class Preview:
    rel: str
    problems: list[DraftProblem]  # of this file
    other_errors: int  # errors elsewhere in the course
    text: TextVersion | None
    questions: list[Any] = field(default_factory=list)


def _find_text(spec: CourseSpec | None, slug: str, rel: str) -> TextVersion | None:
    if spec is None:
        return None
    wanted = f"{slug}/{rel}"
    versions = [*spec.texts.values(), *spec.teacher_guide.values()]
    for module in spec.modules:
        versions += module.texts.values()
        for item in module.items:
            versions += item.texts.values()
    return next((v for v in versions if v.source_path == wanted), None)


def preview_file(dirs: AuthoringDirs, slug: str, rel: str, text: str,
                 question_types: Mapping[str, Any] | None) -> Preview:
    """Check and render the draft as if ``rel`` held ``text``, on a scratch copy."""
    storage.resolve_rel(dirs.draft(slug), rel)
    scratch = dirs.make_scratch()
    try:
        copy = scratch / slug
        shutil.copytree(dirs.draft(slug), copy, symlinks=False)
        storage.atomic_write(storage.resolve_rel(copy, rel), text.encode("utf-8"))
        spec, problems = _load(copy, question_types)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    mine = [p for p in problems if p.rel == rel]
    others = sum(1 for p in problems if p.rel != rel and p.is_error)
    version = _find_text(spec, slug, rel)
    return Preview(rel, mine, others, version, list(version.questions) if version else [])


def normalise_text(text: str) -> str:
    """What a textarea sends (CRLF) as it is stored: LF line ends, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n"


def save_file(dirs: AuthoringDirs, slug: str, rel: str, text: str, base_hash: str,
              question_types: Mapping[str, Any] | None) -> tuple[str, list[DraftProblem]]:
    """Write ``text`` to ``rel`` unless the file changed since ``base_hash`` (Conflict).

    Text with errors is saved too (a trainer who writes first and uploads the image later
    must not lose the text): publishing is what errors block. Returns the new content hash
    and the file's problems.
    """
    root = dirs.draft(slug)
    path = storage.resolve_rel(root, rel)
    if path.suffix != ".md":
        raise DraftError(N_("only markdown files can be edited here"))
    data = normalise_text(text).encode("utf-8")
    with dirs.editing(slug):
        current = path.read_bytes() if path.is_file() else b""
        if storage.content_hash(current) != base_hash:
            raise Conflict(current.decode("utf-8", errors="replace"),
                           storage.content_hash(current))
        storage.atomic_write(path, data)
    problems = preview_file(dirs, slug, rel, data.decode(), question_types).problems
    return storage.content_hash(data), problems


def upload_image(dirs: AuthoringDirs, slug: str, folder: str, filename: str, data: bytes,
                 alt: str, *, max_bytes: int = MAX_IMAGE_BYTES, max_width: int = 1600) -> str:
    """Store a checked image in the course folder or a module folder; returns its path.

    Photos are re-encoded without their EXIF and scaled down to ``max_width`` pixels
    (:mod:`lms.authoring.photos`)."""
    if not alt.strip():
        raise DraftError(N_("describe the image: alt text is required"))
    extension = check_image(filename, data, max_bytes)
    data = prepare_image(data, extension, max_width)
    stem = drafts.slugify(PurePosixPath(filename).stem) or "image"
    root = dirs.draft(slug)
    target_dir = storage.resolve_rel(root, folder) if folder else root
    if not target_dir.is_dir():
        raise DraftError(N_("no such folder in this course"))
    with dirs.editing(slug):
        name, number = f"{stem}.{extension}", 2
        while (target_dir / name).exists():
            name, number = f"{stem}-{number}.{extension}", number + 1
        storage.atomic_write(target_dir / name, data)
    return f"{folder}/{name}" if folder else name


def user_names(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {u.id: u.display_name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
