"""Loading course packages into the database: all or nothing, skipping what did not change."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lms.courses.models import (
    Course,
    CourseRelease,
    CourseText,
    Item,
    ItemText,
    Module,
    ModuleText,
    ReleaseItem,
)
from lms.courses.package import (
    CourseSpec,
    ItemSpec,
    TextVersion,
    find_course_dirs,
    load_course,
    package_hash,
)
from lms.db import db
from lms.problems import N_, Problem

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    # Live courses found in no package, left live because withdraw_missing was off.
    missing: list[str] = field(default_factory=list)
    items_written: int = 0


def load_packages(
    dirs: Iterable[Path], *, question_types: Mapping[str, Any] | None = None
) -> tuple[list[CourseSpec], list[Problem]]:
    """Parse every course package found in ``dirs``; problems are sorted by path and line."""
    specs, problems = [], []
    for root in find_course_dirs(dirs):
        spec, found = load_course(root, question_types=question_types)
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
    slugs = [spec.slug for spec in specs]
    for spec in specs:
        if slugs.count(spec.slug) > 1:
            problems.append(
                Problem.of(
                    str(spec.root / "course.md"),
                    1,
                    N_("another course package also has the id %(id)s"),
                    id=repr(spec.slug),
                )
            )
    return specs, sorted(problems)


def unchanged_packages(roots: Iterable[Path]) -> dict[Path, str]:
    """The package folders whose bytes match what is synced already, with their course slug.

    These need no parsing at all, which keeps a re-sync of unchanged courses well under a
    second however many lessons they hold.
    """
    roots = list(roots)
    synced = {
        (course.source_dir, course.content_hash): course.slug
        for course in db.session.scalars(select(Course).where(Course.available))
    }
    found = {}
    for root in roots:
        slug = synced.get((str(root.resolve()), package_hash(root)))
        if slug is not None:
            found[root] = slug
    return found


def sync_courses(
    specs: Sequence[CourseSpec],
    *,
    unchanged: Iterable[str] = (),
    now: datetime,
    withdraw_missing: bool = True,
    on_course: Callable[[CourseSpec], None] | None = None,
    rerender: bool = False,
) -> SyncReport:
    """Upsert ``specs`` by slug in one transaction; live courses not among them are
    withdrawn with ``withdraw_missing``, otherwise listed in ``report.missing``.

    Withdrawn courses, modules and items stay in the database (marked unavailable) so that
    learners' progress, attempts and certificates keep pointing at something real.
    ``rerender`` rewrites the stored HTML of unchanged files too (after an upgrade of the
    markdown renderer); it makes no new release.
    """
    report = SyncReport(unchanged=list(unchanged))
    try:
        existing = {course.slug: course for course in db.session.scalars(select(Course))}
        for spec in specs:
            _sync_course(existing.get(spec.slug), spec, now=now, report=report,
                         rerender=rerender)
            if on_course:
                on_course(spec)
        seen = {spec.slug for spec in specs} | set(report.unchanged)
        for slug, course in existing.items():
            if slug in seen or not course.available:
                continue
            if withdraw_missing:
                course.available = False
                report.withdrawn.append(slug)
            else:
                report.missing.append(slug)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _sync_course(
    course: Course | None, spec: CourseSpec, *, now: datetime, report: SyncReport,
    rerender: bool = False,
) -> None:
    source_dir = str(spec.root.resolve())
    if (
        not rerender
        and course is not None
        and course.available
        and course.content_hash == spec.content_hash
        and course.source_dir == source_dir
    ):
        report.unchanged.append(spec.slug)
        return
    content_changed = course is None or course.content_hash != spec.content_hash
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
        report.added.append(spec.slug)
    else:
        report.updated.append(spec.slug)
    course.topic = spec.topic
    course.default_language = spec.default_language
    course.languages = list(spec.languages)
    course.version = spec.version
    course.audience = spec.audience
    course.licence = spec.licence
    course.authors = list(spec.authors)
    course.certificate_enabled = spec.certificate
    course.estimated_minutes = spec.estimated_minutes
    course.content_hash = spec.content_hash
    course.source_dir = source_dir
    course.available = True
    course.synced_at = now

    by_language = {text.language: text for text in course.texts}
    for language, version in spec.texts.items():
        text = by_language.get(language) or CourseText(language=language)
        if text.id is None:
            course.texts.append(text)
        text.title, text.summary, text.html = version.title, version.summary, version.html
        text.awaiting_review = version.awaiting_review
        guide = spec.teacher_guide.get(language)
        text.teacher_guide_title = guide.title if guide else None
        text.teacher_guide_html = guide.html if guide else None
    for language, text in by_language.items():
        if language not in spec.texts:
            course.texts.remove(text)

    modules = {module.slug: module for module in course.modules}
    for module_spec in spec.modules:
        module = modules.get(module_spec.slug)
        if module is None:
            module = Module(slug=module_spec.slug, position=module_spec.position)
            course.modules.append(module)
        module.position = module_spec.position
        module.available = True
        _sync_texts(module.texts, module_spec.texts, ModuleText, _module_fields)
        db.session.flush()
        items = {item.slug: item for item in module.items}
        for item_spec in module_spec.items:
            _sync_item(items.get(item_spec.slug), item_spec, module, course, report=report,
                       rerender=rerender)
        for slug, item in items.items():
            if slug not in {item_spec.slug for item_spec in module_spec.items}:
                item.available = False
    for slug, module in modules.items():
        if slug not in {module_spec.slug for module_spec in spec.modules}:
            module.available = False
    if content_changed or course.current_release == 0:
        _new_release(course, spec, now=now)


def _new_release(course: Course, spec: CourseSpec, *, now: datetime) -> None:
    """Record the course as it is now; learners who start from here on follow it."""
    db.session.flush()
    number = course.current_release + 1
    release = CourseRelease(course_id=course.id, number=number, version_label=spec.version,
                            content_hash=spec.content_hash, created_at=now)
    db.session.add(release)
    db.session.flush()
    modules = {module.slug: module for module in course.modules}
    for module_spec in spec.modules:
        module = modules[module_spec.slug]
        items = {item.slug: item for item in module.items}
        for item_spec in module_spec.items:
            item = items[item_spec.slug]
            db.session.add(ReleaseItem(
                release_id=release.id, item_id=item.id, module_id=module.id,
                module_position=module_spec.position, position=item_spec.position,
                required=item.required, content_hash=item_spec.content_hash,
                quiz_settings=item.quiz_settings,
            ))
    course.current_release = number
    log.info("course %s: release %d (version %s)", course.slug, number, spec.version)


def _sync_item(
    item: Item | None, spec: ItemSpec, module: Module, course: Course, *, report: SyncReport,
    rerender: bool = False,
) -> None:
    if item is None:
        item = Item(slug=spec.slug, course_id=course.id, content_hash="")
        module.items.append(item)
    item.position = spec.position
    item.kind = spec.kind
    item.estimated_minutes = spec.estimated_minutes
    item.available = True
    settings = spec.quiz.to_dict() if spec.quiz is not None else None
    item.quiz_settings = settings
    item.required = spec.kind == "lesson" or bool(settings and settings.get("required", True))
    item.content_hash = spec.content_hash
    # Texts are kept per content hash: learners on an earlier release still read theirs.
    if rerender:
        for text in item.texts:
            if text.content_hash == spec.content_hash and text.language in spec.texts:
                for name, value in _item_fields(spec.texts[text.language]).items():
                    setattr(text, name, value)
    present = {(text.language, text.content_hash) for text in item.texts}
    missing = [(language, version) for language, version in spec.texts.items()
               if (language, spec.content_hash) not in present]
    if not missing:
        return
    for language, version in missing:
        item.texts.append(ItemText(language=language, content_hash=spec.content_hash,
                                   **_item_fields(version)))
    report.items_written += 1


def _module_fields(version: TextVersion) -> dict[str, Any]:
    return {"title": version.title, "summary": version.summary, "html": version.html}


def _item_fields(version: TextVersion) -> dict[str, Any]:
    questions = [_question_dict(question) for question in version.questions] or None
    return {
        "title": version.title,
        "objectives": list(version.objectives),
        "html": version.html,
        "questions": questions,
        "awaiting_review": version.awaiting_review,
    }


def _question_dict(question: Any) -> dict[str, Any]:
    return question if isinstance(question, dict) else dataclasses.asdict(question)


def _sync_texts(
    rows: list[Any],
    versions: Mapping[str, TextVersion],
    model: type,
    fields: Callable[[TextVersion], dict[str, Any]],
) -> None:
    """Update text rows in place by language (delete-then-insert would trip unique keys)."""
    by_language = {row.language: row for row in rows}
    for language, version in versions.items():
        row = by_language.get(language)
        if row is None:
            row = model(language=language)
            rows.append(row)
        for name, value in fields(version).items():
            setattr(row, name, value)
    for language, row in by_language.items():
        if language not in versions:
            rows.remove(row)
