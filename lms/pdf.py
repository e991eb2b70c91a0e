"""HTML to PDF with WeasyPrint, fetching nothing but our own files.

Used by certificates and by teachers' login cards. Import this module only where a PDF is
made: WeasyPrint takes about half a second to import, which start-up should not pay.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lms.config import PACKAGE_DIR

log = logging.getLogger(__name__)

STATIC_DIR = PACKAGE_DIR / "static"


class RefusedURL(ValueError):
    """The document asked for something outside the allowed folders."""


class LocalFilesFetcher(URLFetcher):
    """Serve URLs under known prefixes from their folders; refuse everything else.

    ``file:``, ``http(s):`` to real hosts, ``ftp:`` and paths escaping a folder are refused,
    so a certificate template cannot read the server's files or call the network.
    ``data:`` URIs (the QR code) are inline content, not fetches, and are allowed.
    """

    def __init__(self, roots: Mapping[str, Path]) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.roots = {prefix: Path(folder).resolve() for prefix, folder in roots.items()}

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        for prefix, folder in self.roots.items():
            if url.startswith(prefix):
                return self._from_folder(url, url[len(prefix):], folder)
        log.warning("PDF: refused %s", url[:200])
        raise RefusedURL(f"not an allowed PDF resource: {url[:200]}")

    def _from_folder(self, url: str, relative: str, folder: Path) -> URLFetcherResponse:
        relative = relative.split("?", 1)[0].split("#", 1)[0]
        target = (folder / relative).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            log.warning("PDF: no such file %s", url[:200])
            raise RefusedURL(f"no such PDF resource: {url[:200]}")
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mime})


def render_pdf(html: str, base_url: str, *, url_fetcher: URLFetcher) -> bytes:
    """Render ``html`` (relative links resolved against ``base_url``) to PDF bytes."""
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    pdf = document.write_pdf(font_config=FontConfiguration())
    assert pdf is not None  # write_pdf returns bytes when given no target
    return pdf
