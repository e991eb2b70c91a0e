"""Reading a course folder into a CourseSpec: files, languages, ids. Texts are in texts.py."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lms.courses.frontmatter import SourceFile, read_source
from lms.courses.layout import MEDIA_SUFFIXES
from lms.courses.markdown_limits import check_course_size
from lms.courses.package import CourseSpec, ModuleSpec
from lms.courses.scan import FileGroup, scan_module, scan_root
from lms.courses.schema import (
    COURSE_KEYS,
    GUIDE_KEYS,
    LESSON_KEYS,
    MODULE_KEYS,
    QUIZ_KEYS,
    Key,
    check_meta,
    is_slug,
)
from lms.courses.texts import TextBuilder, text_value
from lms.problems import N_, Problem

__all__ = ["CourseLoader"]


@dataclass
class _Item:
    position: int
    name: str
    is_quiz: bool
    slug: str
    sources: dict[str, SourceFile]
    files: list[PurePosixPath]


@dataclass
class _Module:
    position: int
    dirname: str
    slug: str
    sources: dict[str, SourceFile]
    items: list[_Item]


class CourseLoader:
    """Loads one course folder. ``problems`` collects everything found along the way."""

    def __init__(self, root: Path, question_types: Mapping[str, Any] | None) -> None:
        self.root = root
        self.slug = root.resolve().name
        self.question_types = question_types
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        #: Markdown files (relative to the root) -> their page, relative to the course page.
        self.pages: dict[str, str] = {}

    # -- helpers ------------------------------------------------------------------------

    def display(self, rel: PurePosixPath | str) -> str:
        """The path of ``rel`` as the caller spelled the root, for problems."""
        return (self.root / rel).as_posix()

    def error(
        self, rel: PurePosixPath | str, line: int, template: str, *, is_error: bool = True,
        **params: Any,
    ) -> None:
        self.problems.append(
            Problem.of(self.display(rel), line, template, is_error=is_error, **params)
        )

    def read(
        self, rel: PurePosixPath, keys: Mapping[str, Key], *, translation: bool
    ) -> SourceFile | None:
        """Read and check one markdown file; None if it cannot be used."""
        source, problems = read_source(self.root / rel, self.display(rel), rel)
        self.problems += problems
        if source is not None:
            self.problems += check_meta(source, keys, translation=translation)
        return source

    def read_group(
        self,
        group: FileGroup,
        keys: Mapping[str, Key],
        original_name: str,
        original: SourceFile | None = None,
    ) -> dict[str, SourceFile]:
        """Read the default-language file (unless ``original`` is that file, already read) and
        its translations, checking their languages."""
        sources: dict[str, SourceFile] = {}
        if original is not None:
            sources[self.default_language] = original
        for language, rel in sorted(group.files.items(), key=lambda kv: kv[0] or ""):
            if language is None and original is not None:
                continue
            if language is not None and not self.check_translation(
                rel, language, group, original_name
            ):
                continue
            source = self.read(rel, keys, translation=language is not None)
            if source is not None:
                sources[language or self.default_language] = source
        return sources

    def check_translation(
        self, rel: PurePosixPath, language: str, group: FileGroup, original_name: str
    ) -> bool:
        if language == self.default_language:
            self.error(rel, 0, N_('"%(language)s" is the default language: name the file '
                                  "%(name)s"), language=language, name=original_name)
            return False
        if self.languages and language not in self.languages:
            listed = ", ".join(self.languages)
            self.error(rel, 0, N_('language "%(language)s" is not one of the course languages '
                                  "(%(languages)s)"), language=language, languages=listed)
            return False
        if None not in group.files:
            self.error(rel, 0, N_("translation without its original: %(name)s is missing"),
                       name=original_name)
            return False
        return True

    def slug_of(self, source: SourceFile | None, rel: PurePosixPath, name: str) -> str:
        """The id: ``id:`` from the front matter, else the file or folder name without number."""
        explicit = source.meta.get("id") if source is not None else None
        if isinstance(explicit, str):
            return explicit  # check_meta reports an ``id:`` that is not a slug
        if not is_slug(name):
            self.error(rel, 0, N_('id "%(id)s" is not a lowercase slug: use a-z, 0-9 and single '
                                  "hyphens"), id=name)
        return name

    def claim(
        self, seen: dict[str, str], slug: str, rel: PurePosixPath, line: int, label: str
    ) -> None:
        """Record ``slug`` as used by ``label`` (a file or folder name), reporting a duplicate
        at ``rel``:``line``."""
        if slug in seen:
            self.error(rel, line, N_('duplicate id "%(id)s": %(other)s has it too'), id=slug,
                       other=seen[slug])
        else:
            seen[slug] = label

    def read_module(self, position: int, name: str, dirname: str) -> _Module:
        text_group, item_groups = scan_module(self.root, dirname, self.problems)
        if None not in text_group.files:
            self.error(PurePosixPath(dirname), 0, N_("module.md is missing"))
        sources = self.read_group(text_group, MODULE_KEYS, "module.md")
        module_rel = PurePosixPath(dirname)
        original = sources.get(self.default_language)
        module = _Module(position, dirname, self.slug_of(original, module_rel, name), sources, [])
        # Modules have no page of their own: they are sections of the course page.
        self.pages.update({str(rel): f"#module-{module.slug}" for rel in text_group.files.values()})
        seen: dict[str, str] = {}
        for (item_position, item_name, is_quiz), group in sorted(item_groups.items()):
            suffix = ".quiz.md" if is_quiz else ".md"
            original_name = f"{item_position:02d}-{item_name}{suffix}"
            if None in group.files:
                original_name = group.files[None].name
            keys = QUIZ_KEYS if is_quiz else LESSON_KEYS
            item_sources = self.read_group(group, keys, original_name)
            if None not in group.files:
                continue
            rel = group.files[None]
            source = item_sources.get(self.default_language)
            slug = self.slug_of(source, rel, item_name)
            line = source.line_of("id") if source and "id" in source.meta else 0
            self.claim(seen, slug, rel, line, rel.name)
            files = sorted(group.files.values())
            self.pages.update({str(rel): f"{module.slug}/{slug}/" for rel in files})
            module.items.append(_Item(item_position, item_name, is_quiz, slug, item_sources, files))
        if not module.items:
            self.error(module_rel, 0, N_("module has no lessons or quizzes"))
        return module

    # -- the whole course ---------------------------------------------------------------

    def read_course_meta(self, course: SourceFile) -> None:
        languages = course.meta.get("languages")
        if isinstance(languages, list) and all(isinstance(v, str) for v in languages) and languages:
            self.languages = tuple(languages)
        default = course.meta.get("default_language")
        if isinstance(default, str) and self.languages and default not in self.languages:
            listed = ", ".join(self.languages)
            message = N_('default_language "%(language)s" is not in languages (%(languages)s)')
            self.problems.append(Problem.of(course.path, course.line_of("default_language"),
                                            message, language=default, languages=listed))
        self.default_language = (
            default if isinstance(default, str) else (self.languages or ("en",))[0]
        )

    def content_hash(self, files: list[PurePosixPath]) -> str:
        return hash_files(self.root, files)

    def load(self) -> CourseSpec | None:
        """Read the whole package; returns a spec even with errors (the caller drops it)."""
        if not (self.root / "course.md").is_file():
            self.error("course.md", 0, N_("course.md is missing: a course folder starts with it"))
            return None
        too_big = check_course_size(self.root, self.display("course.md"))
        if too_big is not None:
            self.problems.append(too_big)
            return None
        course_group, guide_group, module_dirs = scan_root(self.root, self.problems)
        self.pages.update({str(rel): "" for rel in course_group.files.values()})
        self.pages.update({str(rel): "teacher-guide/" for rel in guide_group.files.values()})
        course_source, problems = read_source(
            self.root / "course.md", self.display("course.md"), PurePosixPath("course.md")
        )
        self.problems += problems
        if course_source is None:
            return None
        self.problems += check_meta(course_source, COURSE_KEYS)
        self.read_course_meta(course_source)
        if not is_slug(self.slug):
            self.error("course.md", 0, N_('course id "%(id)s" (the folder name) is not a '
                                          "lowercase slug"), id=self.slug)
        course_texts = self.read_group(course_group, COURSE_KEYS, "course.md", course_source)
        guide_texts = self.read_group(guide_group, GUIDE_KEYS, "teacher-guide.md")
        modules: list[_Module] = []
        seen: dict[str, str] = {}
        for position, name, dirname in module_dirs:
            module = self.read_module(position, name, dirname)
            original = module.sources.get(self.default_language)
            line = original.line_of("id") if original and "id" in original.meta else 0
            self.claim(
                seen,
                module.slug,
                PurePosixPath(dirname, "module.md") if original else PurePosixPath(dirname),
                line,
                dirname,
            )
            modules.append(module)
        if not module_dirs:
            self.error("course.md", 0,
                       N_("course has no modules: add a folder such as 01-first-module"))
        return self.build(course_source, course_texts, guide_texts, modules)

    def build(
        self,
        course: SourceFile,
        course_texts: Mapping[str, SourceFile],
        guide_texts: Mapping[str, SourceFile],
        modules: list[_Module],
    ) -> CourseSpec:
        """Render every text and put the spec together."""
        default = self.default_language
        builder = TextBuilder(self.root, self.slug, self.pages, self.question_types, self.problems,
                              languages=self.languages,
                              certificate=course.meta.get("certificate") is True)

        def page_texts(sources: Mapping[str, SourceFile], to_root: str) -> dict[str, Any]:
            original = sources.get(default)
            return {
                language: builder.page_text(source, language, to_root=to_root, fallback=original)
                for language, source in sorted(sources.items())
            }

        module_specs = []
        for module in modules:
            items = []
            for item in module.items:
                spec = builder.item(item.slug, item.position, item.is_quiz, item.sources, default,
                                    self.content_hash(item.files))  # fmt: skip
                if spec is not None:
                    items.append(spec)
            texts = page_texts(module.sources, "")
            builder.warn_missing_translations(module.sources, default)
            module_specs.append(ModuleSpec(module.slug, module.position, texts, tuple(items)))
        files = package_files(self.root)
        meta = course.meta
        minutes = meta.get("estimated_minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            minutes = sum(
                item.estimated_minutes for module in module_specs for item in module.items
            )
        authors = meta.get("authors")
        return CourseSpec(
            slug=self.slug,
            root=self.root,
            topic=text_value(meta, "topic"),
            languages=self.languages or (default,),
            default_language=default,
            version=text_value(meta, "version"),
            audience=text_value(meta, "audience"),
            estimated_minutes=minutes,
            licence=text_value(meta, "licence"),
            authors=tuple(str(a) for a in authors) if isinstance(authors, list) else (),
            certificate=meta.get("certificate") is True,
            texts=page_texts(course_texts, ""),
            teacher_guide=page_texts(guide_texts, "../"),
            modules=tuple(module_specs),
            media=tuple(str(rel) for rel in files if rel.suffix.lower() in MEDIA_SUFFIXES),
            content_hash=self.content_hash(files),
        )


def package_files(root: Path) -> list[PurePosixPath]:
    """Every file of a package (hidden ones excluded), relative to it, sorted."""
    return sorted(
        PurePosixPath(path.relative_to(root).as_posix())
        for path in root.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def hash_files(root: Path, files: list[PurePosixPath]) -> str:
    """The content hash of ``files``: names and bytes, so renames count as changes."""
    digest = hashlib.sha256()
    for rel in files:
        digest.update(str(rel).encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return digest.hexdigest()
