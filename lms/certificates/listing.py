"""The admin's list of issued certificates: filters, search and pages (read-only).

Kept apart from :mod:`lms.certificates.services` (issuing and revoking) because it is a
query module: a page costs the same three SQL statements (the count, one page of rows, the
course choices) whatever the page size, and every row carries what the table prints, so
nothing is loaded lazily per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from lms.certificates.codes import code_fragment
from lms.certificates.models import Certificate
from lms.db import db

PAGE_SIZE = 50
#: Longer search terms are cut: no printed name (120) or code (14) is longer.
MAX_SEARCH_LENGTH = 200


class Status(StrEnum):
    VALID = "valid"
    REISSUED = "reissued"
    REVOKED = "revoked"


@dataclass(frozen=True)
class CertificateFilter:
    """What the admin asked for; empty values mean "any"."""

    search: str = ""
    course_slug: str | None = None
    status: Status | None = None


@dataclass(frozen=True)
class CourseChoice:
    slug: str
    title: str


@dataclass(frozen=True)
class CertificateListing:
    """One page of certificates (newest first) and the courses that have any."""

    certificates: list[Certificate]
    total: int
    page: int
    pages: int
    per_page: int
    courses: list[CourseChoice]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        """The position of the page's first row in the whole list (1-based)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0


def _search_condition(term: str) -> ColumnElement[bool] | None:
    """Printed name contains ``term`` (any case), or the code contains it as a code part.

    Wildcards typed by the admin (``%``, ``_``) are escaped, so they match themselves.
    """
    # PostgreSQL refuses NUL in text; other control characters simply match nothing.
    term = term.replace("\x00", "").strip()[:MAX_SEARCH_LENGTH]
    if not term:
        return None
    condition = func.lower(Certificate.printed_name).contains(term.lower(), autoescape=True)
    fragment = code_fragment(term)
    if fragment is not None:  # only code symbols: no wildcard can be in it
        condition = condition | func.replace(Certificate.code, "-", "").contains(fragment)
    return condition


def _filtered(query: Select[Any], wanted: CertificateFilter) -> Select[Any]:
    search = _search_condition(wanted.search)
    if search is not None:
        query = query.where(search)
    if wanted.course_slug:
        query = query.where(Certificate.course_slug == wanted.course_slug)
    if wanted.status is Status.VALID:
        query = query.where(Certificate.revoked_at.is_(None), Certificate.reissued_at.is_(None))
    elif wanted.status is Status.REISSUED:
        query = query.where(Certificate.revoked_at.is_(None), Certificate.reissued_at.is_not(None))
    elif wanted.status is Status.REVOKED:
        query = query.where(Certificate.revoked_at.is_not(None))
    return query


def _course_choices() -> list[CourseChoice]:
    """Every course with at least one certificate, also courses deleted since (their slug
    stays on the certificate), titled as printed on one of them."""
    rows = db.session.execute(
        select(Certificate.course_slug, func.max(Certificate.course_title))
        .group_by(Certificate.course_slug).order_by(func.max(Certificate.course_title))
    )
    return [CourseChoice(slug, title) for slug, title in rows]


def list_certificates(wanted: CertificateFilter, *, page: int = 1,
                      per_page: int = PAGE_SIZE) -> CertificateListing | None:
    """Page ``page`` of the certificates matching ``wanted``, newest first.

    None when the page does not exist (below 1 or past the last page); page 1 always
    exists, even when nothing matches.
    """
    if page < 1 or per_page < 1:
        return None
    total = db.session.scalar(_filtered(select(func.count(Certificate.id)), wanted)) or 0
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        return None
    rows = db.session.scalars(
        _filtered(select(Certificate), wanted)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    )
    return CertificateListing(list(rows), total, page, pages, per_page, _course_choices())

