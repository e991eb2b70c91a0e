"""Course drafts on disk: package folders in the instance folder, edited file by file.

A draft is an ordinary course package (see ``courses/README.md``) in
``<instance>/authoring/drafts/<slug>/``; publishing copies it to
``<instance>/authoring/published/<slug>/``, the folder ``lms courses sync`` reads. The folder
name is the course id (the loader takes the slug from it), which is why drafts and published
copies live in two parent folders rather than ``<slug>/draft`` and ``<slug>/published``.

Pure file operations, no Flask and no database: every write goes to a temporary file that
replaces the target with ``os.replace``, and changes to one draft hold a lock file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lms.courses.layout import MEDIA_SUFFIXES, parse_item_name, parse_module_dir, split_language

__all__ = [
    "AuthoringDirs",
    "DraftError",
    "DraftFile",
    "DraftItem",
    "DraftModule",
    "add_item",
    "add_module",
    "add_translation",
    "atomic_write",
    "content_hash",
    "course_lock",
    "draft_tree",
    "move",
    "read_file",
    "replace_tree",
    "resolve_rel",
    "slugify",
    "write_course_md",
]

_LINK_DEST_RE = re.compile(r"(\]\(\s*<?)([^)\s>]+)")
_REF_DEF_RE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?)$", re.MULTILINE)


class DraftError(ValueError):
    """A change the draft cannot take; the message is shown to the trainer."""


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


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slugify(text: str) -> str:
    """A lowercase id from a title: ``"Perché il commercio?"`` -> ``perche-il-commercio``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


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
        raise DraftError("not a file of this course")
    path = root.joinpath(*pure.parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise DraftError("not a file of this course")
    return path


def read_file(root: Path, rel: str) -> bytes:
    path = resolve_rel(root, rel)
    if not path.is_file():
        raise DraftError("this file does not exist (any more)")
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


# -- course, modules, items ---------------------------------------------------------------


def _yaml_text(value: str) -> str:
    """A one-line YAML string, always quoted so "Yes", "1.0" or "a: b" stay text."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def write_course_md(root: Path, *, title: str, summary: str, topic: str,
                    languages: list[str], author: str) -> None:
    """Start a new draft: ``course.md`` and a first module with one lesson."""
    if root.exists():
        raise DraftError("a course with this id exists already")
    langs = ", ".join(languages)
    course_md = (f"---\ntitle: {_yaml_text(title)}\nsummary: {_yaml_text(summary)}\n"
                 f"topic: {topic}\nlanguages: [{langs}]\nversion: \"1.0\"\n"
                 f"authors: [{_yaml_text(author)}]\nlicence: CC BY-SA 4.0\n---\n"
                 "Describe the course here: who it is for and what learners will do.\n")
    atomic_write(root / "course.md", course_md.encode())
    add_module(root, "Introduction")


def _module_dirs(root: Path) -> list[tuple[int, str, str]]:
    found = []
    for entry in root.iterdir():
        parsed = parse_module_dir(entry.name) if entry.is_dir() else None
        if parsed is not None and not entry.name.startswith("."):
            found.append((*parsed, entry.name))
    return sorted(found)


def _item_groups(module_dir: Path) -> dict[tuple[int, str, bool], list[str]]:
    groups: dict[tuple[int, str, bool], list[str]] = {}
    for entry in sorted(module_dir.iterdir()):
        name = parse_item_name(entry.name) if entry.is_file() else None
        if name is not None:
            groups.setdefault((name.position, name.name, name.is_quiz), []).append(entry.name)
    return dict(sorted(groups.items()))


def add_module(root: Path, title: str) -> str:
    """Add a module at the end with a ``module.md`` and a first lesson; returns its folder."""
    slug = slugify(title)
    if not slug:
        raise DraftError("the title needs at least one letter or digit")
    modules = _module_dirs(root)
    if any(name == slug for _, name, _ in modules):
        raise DraftError(f'there is a module with the id "{slug}" already')
    dirname = f"{(modules[-1][0] if modules else 0) + 1:02d}-{slug}"
    text = f"---\ntitle: {_yaml_text(title)}\n---\nA short introduction to the module.\n"
    atomic_write(root / dirname / "module.md", text.encode())
    add_item(root, dirname, "First lesson", "lesson")
    return dirname


LESSON_TEMPLATE = """---
title: {title}
objectives:
  - What the learner will be able to do
estimated_minutes: 10
---
Write the lesson here.

## Sources

- Add the sources you used.
"""

QUIZ_TEMPLATE = """---
title: {title}
pass_mark: 70
---
## Write the first question here
- [ ] A wrong option
- [x] The right option
Explanation: Why the right option is right.
"""


def add_item(root: Path, module_dir: str, title: str, kind: str) -> str:
    """Add a lesson or quiz at the end of a module; returns the new file's path in the draft."""
    folder = resolve_rel(root, module_dir)
    if not folder.is_dir() or parse_module_dir(folder.name) is None:
        raise DraftError("no such module")
    slug = slugify(title)
    if not slug:
        raise DraftError("the title needs at least one letter or digit")
    groups = _item_groups(folder)
    if any(name == slug for _, name, _ in groups):
        raise DraftError(f'there is an item with the id "{slug}" in this module already')
    position = (max(position for position, _, _ in groups) if groups else 0) + 1
    suffix = ".quiz.md" if kind == "quiz" else ".md"
    template = QUIZ_TEMPLATE if kind == "quiz" else LESSON_TEMPLATE
    filename = f"{position:02d}-{slug}{suffix}"
    atomic_write(folder / filename, template.format(title=_yaml_text(title)).encode())
    return f"{module_dir}/{filename}"


def add_translation(root: Path, rel: str, language: str) -> str:
    """Start a translation of ``rel`` as a copy of it (the trainer then translates it)."""
    source = resolve_rel(root, rel)
    if not source.is_file() or source.suffix != ".md":
        raise DraftError("no such file")
    item = parse_item_name(source.name)
    if item is not None:
        quiz = ".quiz" if item.is_quiz else ""
        name = f"{item.position:02d}-{item.name}{quiz}.{language}.md"
    else:
        base = next((b for b in ("course", "module", "teacher-guide")
                     if split_language(source.name, b)[0]), None)
        if base is None:
            raise DraftError("this file cannot be translated")
        name = f"{base}.{language}.md"
    target = source.with_name(name)
    if target.exists():
        raise DraftError("this translation exists already")
    text = source.read_text(encoding="utf-8")
    atomic_write(target, _translation_text(text).encode())
    return str(PurePosixPath(rel).with_name(name))


_TEXT_KEYS = ("title", "summary", "objectives", "audience")


def _translation_text(text: str) -> str:
    """Keep only the front matter keys a translation may hold (text keys) and the body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in [x.strip() for x in lines[1:]]:
        return text
    end = 1 + [x.strip() for x in lines[1:]].index("---")
    kept, keep = [], False
    for line in lines[1:end]:
        if line and not line[0].isspace():
            keep = line.split(":", 1)[0].strip() in _TEXT_KEYS
        if keep:
            kept.append(line)
    return "\n".join(["---", *kept, *lines[end:]])


# -- reordering ----------------------------------------------------------------------------


def move(root: Path, rel: str, offset: int) -> None:
    """Move a module folder or an item (all its language files) up (-1) or down (+1).

    Every sibling is renumbered ``01-``, ``02-``… in one step; ids stay the same because they
    are the names without the numbers. Relative links in the draft's markdown that name a
    renamed file or folder are rewritten.
    """
    target = resolve_rel(root, rel)
    renames: dict[str, str] = {}
    if target.is_dir():
        modules = _module_dirs(root)
        order = [dirname for _, _, dirname in modules]
        index = order.index(target.name) if target.name in order else -1
        if index < 0:
            raise DraftError("no such module")
        _swap(order, index, offset)
        for position, dirname in enumerate(order, start=1):
            new = f"{position:02d}-{parse_module_dir(dirname)[1]}"  # type: ignore[index]
            if new != dirname:
                renames[dirname] = new
        _rename_all(root, renames)
    else:
        item = parse_item_name(target.name)
        if item is None or not target.is_file():
            raise DraftError("no such item")
        folder = target.parent
        groups = _item_groups(folder)
        keys = list(groups)
        index = keys.index((item.position, item.name, item.is_quiz))
        _swap(keys, index, offset)
        for position, key in enumerate(keys, start=1):
            for filename in groups[key]:
                new = f"{position:02d}-" + filename.split("-", 1)[1]
                if new != filename:
                    renames[filename] = new
        _rename_all(folder, renames)
    if renames:
        _rewrite_links(root, renames)


def _swap(order: list[object], index: int, offset: int) -> None:
    other = index + offset
    if not 0 <= other < len(order):
        raise DraftError("it is already at that end")
    order[index], order[other] = order[other], order[index]


def _rename_all(folder: Path, renames: dict[str, str]) -> None:
    """Rename in two passes through hidden names, so ``01-a``/``02-b`` can swap."""
    for old in renames:
        os.rename(folder / old, folder / f".renaming-{old}")
    for old, new in renames.items():
        os.rename(folder / f".renaming-{old}", folder / new)


def _rewrite_links(root: Path, renames: dict[str, str]) -> None:
    def fix(url: str) -> str:
        if "://" in url or url.startswith(("#", "/", "mailto:")):
            return url
        path, hash_mark, fragment = url.partition("#")
        parts = [renames.get(part, part) for part in path.split("/")]
        return "/".join(parts) + hash_mark + fragment

    for path in sorted(root.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        new = _LINK_DEST_RE.sub(lambda m: m.group(1) + fix(m.group(2)), text)
        new = _REF_DEF_RE.sub(lambda m: m.group(1) + fix(m.group(2)) + m.group(3), new)
        if new != text:
            atomic_write(path, new.encode("utf-8", errors="surrogateescape"))


# -- listing -------------------------------------------------------------------------------


@dataclass
class DraftFile:
    rel: str
    language: str | None  # None: the default-language file


@dataclass
class DraftItem:
    rel: str  # the default-language file
    position: int
    slug: str
    is_quiz: bool
    translations: list[DraftFile] = field(default_factory=list)


@dataclass
class DraftModule:
    rel: str
    position: int
    slug: str
    texts: list[DraftFile] = field(default_factory=list)
    items: list[DraftItem] = field(default_factory=list)
    media: list[str] = field(default_factory=list)


@dataclass
class DraftTree:
    texts: list[DraftFile]
    modules: list[DraftModule]
    media: list[str]


def draft_tree(root: Path) -> DraftTree:
    """The draft's files, grouped as the course page shows them."""
    texts, media = [], []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.is_dir():
            continue
        for base in ("course", "teacher-guide"):
            is_base, language = split_language(entry.name, base)
            if is_base:
                texts.append(DraftFile(entry.name, language))
        if entry.suffix.lower() in MEDIA_SUFFIXES:
            media.append(entry.name)
    modules = []
    for position, slug, dirname in _module_dirs(root):
        module = DraftModule(dirname, position, slug)
        for entry in sorted((root / dirname).iterdir()):
            is_module, language = split_language(entry.name, "module")
            if is_module:
                module.texts.append(DraftFile(f"{dirname}/{entry.name}", language))
            elif entry.suffix.lower() in MEDIA_SUFFIXES:
                module.media.append(f"{dirname}/{entry.name}")
        for (item_position, name, is_quiz), files in _item_groups(root / dirname).items():
            original = next((f for f in files if parse_item_name(f).language is None),  # type: ignore[union-attr]
                            files[0])
            item = DraftItem(f"{dirname}/{original}", item_position, name, is_quiz)
            for filename in files:
                if filename != original:
                    language = parse_item_name(filename).language  # type: ignore[union-attr]
                    item.translations.append(DraftFile(f"{dirname}/{filename}", language))
            module.items.append(item)
        modules.append(module)
    return DraftTree(texts, modules, media)
