"""Certificate PDFs: which files a certificate may use, and the rendering call."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lms.pdf import LocalFilesFetcher

#: Certificate HTML refers to static files under this made-up origin; ``.invalid`` can
#: never resolve, and the fetcher answers it from disk without any network access.
STATIC_BASE = "https://static.lms.invalid/"
#: A course package's own certificate folder (``<package>/certificate/``).
COURSE_BASE = "https://course.lms.invalid/"
COURSE_ASSETS = COURSE_BASE + "certificate/"


def certificate_fetcher(course_dir: Path | None = None) -> LocalFilesFetcher:
    """The fetcher for a certificate: the LMS static files, plus a course's certificate folder."""
    from lms.pdf import STATIC_DIR, LocalFilesFetcher

    roots: dict[str, Path] = {STATIC_BASE: STATIC_DIR}
    if course_dir is not None:
        roots[COURSE_ASSETS] = course_dir / "certificate"
    return LocalFilesFetcher(roots)


def render_certificate_pdf(
    html: str, base_url: str, *, url_fetcher: LocalFilesFetcher
) -> bytes:
    """Render certificate ``html`` (relative links resolved against ``base_url``) to PDF."""
    from lms.pdf import render_pdf

    return render_pdf(html, base_url, url_fetcher=url_fetcher)
