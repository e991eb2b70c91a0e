"""Handout PDFs, rendered once per version of the document and language, then served from
the database (so every app server shares them).

The HTML is built on each request (a few queries and a template, milliseconds); its hash,
with the images' bytes, is the version. Only a version not yet stored is rendered by
WeasyPrint; storing it drops the module's older versions in that kind and language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.classes import queries
from lms.classes.models import SchoolClass
from lms.courses.models import Module
from lms.db import db, utcnow
from lms.handouts import document as documents
from lms.handouts.models import Handout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandoutFile:
    pdf: bytes
    course_slug: str
    module_slug: str
    from_cache: bool
    missing_images: int


def module_of_class(school_class: SchoolClass, module_id: int) -> Module | None:
    """The module when it belongs to a course the class works on (2 queries)."""
    module = db.session.get(Module, module_id)
    if module is None:
        return None
    course_ids = queries.class_course_ids(school_class, queries.class_assignments(school_class.id))
    return module if module.course_id in course_ids else None


def handout(module_id: int, *, kind: str, language: str) -> HandoutFile | None:
    """The PDF of one module's ``kind`` ("handout" or "answers") in ``language``; None when
    the module is not available."""
    if kind not in documents.KINDS:
        raise ValueError(f"unknown handout kind {kind!r}")
    document = documents.build(module_id, kind=kind, language=language)
    if document is None:
        return None
    module = db.session.get(Module, module_id)
    assert module is not None  # build() found it
    version = document.version
    cached = db.session.scalar(select(Handout.pdf).where(
        Handout.module_id == module_id, Handout.kind == kind, Handout.language == language,
        Handout.version == version))
    slugs = (module.course.slug, module.slug)
    if cached is not None:
        return HandoutFile(cached, *slugs, from_cache=True,
                           missing_images=document.missing_images)
    pdf = _render(document)
    _store(module_id, kind, language, version, pdf)
    return HandoutFile(pdf, *slugs, from_cache=False, missing_images=document.missing_images)


def _render(document: documents.Document) -> bytes:
    from lms.pdf import STATIC_DIR, LocalFilesFetcher, render_pdf  # WeasyPrint: slow import

    fetcher = LocalFilesFetcher({documents.MEDIA_BASE: document.course_dir,
                                 documents.STATIC_BASE: STATIC_DIR})
    return render_pdf(document.html, documents.ITEM_BASE, url_fetcher=fetcher)


def _store(module_id: int, kind: str, language: str, version: str, pdf: bytes) -> None:
    db.session.execute(delete(Handout).where(
        Handout.module_id == module_id, Handout.kind == kind, Handout.language == language))
    db.session.add(Handout(module_id=module_id, kind=kind, language=language, version=version,
                           pdf=pdf, created_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        # Another server stored the same version a moment ago: theirs is as good as ours.
        db.session.rollback()
        log.info("handout %s/%s/%s stored by another request", module_id, kind, language)
