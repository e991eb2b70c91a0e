"""Course drafts on disk: package folders in the instance folder, edited file by file.

A draft is an ordinary course package (see ``courses/README.md``) in
``<instance>/authoring/drafts/<slug>/``; publishing copies it to
``<instance>/authoring/published/<slug>/``, the folder ``lms courses sync`` reads. The folder
name is the course id (the loader takes the slug from it), which is why drafts and published
copies live in two parent folders rather than ``<slug>/draft`` and ``<slug>/published``.

This module starts drafts, adds modules, items and translations, and lists a draft's files.
The file primitives (atomic writes, the lock, safe paths) are in :mod:`lms.authoring.storage`;
reordering is in :mod:`lms.authoring.reorder`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lms.authoring.storage import DraftError, atomic_write, resolve_rel
from lms.courses.layout import MEDIA_SUFFIXES, parse_item_name, parse_module_dir, split_language
from lms.problems import N_

__all__ = [
    "DraftFile",
    "DraftItem",
    "DraftModule",
    "DraftTree",
    "add_item",
    "add_module",
    "add_translation",
    "draft_tree",
    "item_groups",
    "module_dirs",
    "slugify",
    "write_course_md",
]


def slugify(text: str) -> str:
    """A lowercase id from a title: ``"Perché il commercio?"`` -> ``perche-il-commercio``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


# -- course, modules, items ---------------------------------------------------------------


def _yaml_text(value: str) -> str:
    """A one-line YAML string, always quoted so "Yes", "1.0" or "a: b" stay text."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def write_course_md(root: Path, *, title: str, summary: str, topic: str,
                    languages: list[str], author: str) -> None:
    """Start a new draft: ``course.md`` and a first module with one lesson."""
    if root.exists():
        raise DraftError(N_("a course with this id exists already"))
    langs = ", ".join(languages)
    course_md = (f"---\ntitle: {_yaml_text(title)}\nsummary: {_yaml_text(summary)}\n"
                 f"topic: {topic}\nlanguages: [{langs}]\nversion: \"1.0\"\n"
                 f"authors: [{_yaml_text(author)}]\nlicence: CC BY-SA 4.0\n---\n"
                 "Describe the course here: who it is for and what learners will do.\n")
    atomic_write(root / "course.md", course_md.encode())
    add_module(root, "Introduction")


def module_dirs(root: Path) -> list[tuple[int, str, str]]:
    found = []
    for entry in root.iterdir():
        parsed = parse_module_dir(entry.name) if entry.is_dir() else None
        if parsed is not None and not entry.name.startswith("."):
            found.append((*parsed, entry.name))
    return sorted(found)


def item_groups(module_dir: Path) -> dict[tuple[int, str, bool], list[str]]:
    groups: dict[tuple[int, str, bool], list[str]] = {}
    for entry in sorted(module_dir.iterdir()):
        name = parse_item_name(entry.name) if entry.is_file() else None
        if name is not None:
            groups.setdefault((name.position, name.name, name.is_quiz), []).append(entry.name)
    return dict(sorted(groups.items()))


def _title_slug(title: str) -> str:
    """The id a new module or item takes from its title; DraftError when there is none."""
    slug = slugify(title)
    if not slug:
        raise DraftError(N_("the title needs at least one letter or digit"))
    return slug


def add_module(root: Path, title: str) -> str:
    """Add a module at the end with a ``module.md`` and a first lesson; returns its folder."""
    slug = _title_slug(title)
    modules = module_dirs(root)
    if any(name == slug for _, name, _ in modules):
        raise DraftError(N_('there is a module with the id "%(slug)s" already'), slug=slug)
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
        raise DraftError(N_("no such module"))
    slug = _title_slug(title)
    groups = item_groups(folder)
    if any(name == slug for _, name, _ in groups):
        raise DraftError(N_('there is an item with the id "%(slug)s" in this module already'),
                         slug=slug)
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
        raise DraftError(N_("no such file"))
    item = parse_item_name(source.name)
    if item is not None:
        quiz = ".quiz" if item.is_quiz else ""
        name = f"{item.position:02d}-{item.name}{quiz}.{language}.md"
    else:
        base = next((b for b in ("course", "module", "teacher-guide")
                     if split_language(source.name, b)[0]), None)
        if base is None:
            raise DraftError(N_("this file cannot be translated"))
        name = f"{base}.{language}.md"
    target = source.with_name(name)
    if target.exists():
        raise DraftError(N_("this translation exists already"))
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
    for position, slug, dirname in module_dirs(root):
        module = DraftModule(dirname, position, slug)
        for entry in sorted((root / dirname).iterdir()):
            is_module, language = split_language(entry.name, "module")
            if is_module:
                module.texts.append(DraftFile(f"{dirname}/{entry.name}", language))
            elif entry.suffix.lower() in MEDIA_SUFFIXES:
                module.media.append(f"{dirname}/{entry.name}")
        for (item_position, name, is_quiz), files in item_groups(root / dirname).items():
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
