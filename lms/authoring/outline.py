"""The draft as the course page shows it: every page by its title, and every file of a page
(the original and each translation) labelled by its language and title.

Built on :func:`lms.authoring.drafts.draft_tree`; only the front matter's ``title:`` of each
file is read (no markdown is rendered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.authoring import drafts
from lms.authoring.removal import title_of
from lms.courses.layout import split_language

__all__ = ["Outline", "Page", "PageFile", "course_languages", "draft_outline", "page_of"]

_LANGUAGES_RE = re.compile(r"^languages:\s*\[([^\]]*)\]", re.MULTILINE)


def course_languages(root: Path) -> list[str]:
    """The ``languages: [en, it]`` of a draft's course.md, default first ([] if unreadable)."""
    try:
        text = (root / "course.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    match = _LANGUAGES_RE.search(text)
    return [code.strip() for code in match.group(1).split(",") if code.strip()] if match else []


@dataclass(frozen=True)
class PageFile:
    rel: str
    language: str  # the language code (the default language for the original)
    title: str
    original: bool


@dataclass
class Page:
    """One page of the course: course text, teacher guide, module introduction or item."""

    kind: str  # course | teacher-guide | module | lesson | quiz
    rel: str  # what move, rename and delete take: the module folder or the original file
    slug: str
    files: list[PageFile]
    missing: list[str]  # course languages without a file
    media: list[str] = field(default_factory=list)
    items: list[Page] = field(default_factory=list)  # a module's lessons and quizzes

    @property
    def title(self) -> str:
        original = next((f for f in self.files if f.original), None)
        return (original.title if original else "") or self.slug

    @property
    def original_rel(self) -> str:
        original = next((f for f in self.files if f.original), None)
        return original.rel if original else self.rel


@dataclass
class Outline:
    texts: list[Page]  # course.md and teacher-guide.md
    modules: list[Page]
    media: list[str]
    default_language: str


def _page(root: Path, kind: str, rel: str, slug: str, files: list[drafts.DraftFile],
          languages: list[str]) -> Page:
    default = languages[0] if languages else ""
    page_files = [PageFile(f.rel, f.language or default, title_of(root / f.rel),
                           f.language is None) for f in files]
    # The original first, then the translations in the course's order of languages.
    order = {code: index for index, code in enumerate(languages)}
    page_files.sort(key=lambda f: (not f.original, order.get(f.language, 99), f.language))
    have = {f.language for f in page_files}
    missing = [code for code in languages[1:] if code not in have]
    return Page(kind, rel, slug, page_files, missing)


def draft_outline(root: Path, languages: list[str]) -> Outline:
    """The draft at ``root`` grouped by page; ``languages`` from its course.md (default
    first)."""
    tree = drafts.draft_tree(root)
    texts = []
    for base in ("course", "teacher-guide"):
        files = [f for f in tree.texts if split_language(f.rel, base)[0]]
        if files:
            original = next((f.rel for f in files if f.language is None), files[0].rel)
            texts.append(_page(root, base, original, base, files, languages))
    modules = []
    for module in tree.modules:
        page = _page(root, "module", module.rel, module.slug, module.texts, languages)
        page.media = module.media
        for item in module.items:
            files = [drafts.DraftFile(item.rel, None), *item.translations]
            page.items.append(_page(root, "quiz" if item.is_quiz else "lesson", item.rel,
                                    item.slug, files, languages))
        modules.append(page)
    return Outline(texts, modules, tree.media, languages[0] if languages else "")


def page_of(outline: Outline, rel: str) -> Page | None:
    """The page one of whose files is ``rel``."""
    pages = [*outline.texts, *outline.modules,
             *(item for module in outline.modules for item in module.items)]
    return next((page for page in pages if any(f.rel == rel for f in page.files)), None)
