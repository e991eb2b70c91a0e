"""Login cards for email-less class accounts: a PDF with eight cards per A4 page.

The PDF is made from the in-memory list of new accounts in the request that created them (or
reset a password) and is never stored: plain passwords exist only in that one response.
WeasyPrint may fetch only the app's own static files; every other URL (``file:``, ``http:``,
``data:``…) is refused, so a class or student name can never make the server read a file or
call the network.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lms.classes.services import NewAccount
from lms.config import PACKAGE_DIR

log = logging.getLogger(__name__)

STATIC_DIR = PACKAGE_DIR / "static"
#: A base URL that cannot exist on the network: only paths under it are served, from disk.
STATIC_BASE = "https://lms-static.invalid/static/"
CARDS_PER_PAGE = 8


class StaticOnlyFetcher(URLFetcher):
    """Serves ``STATIC_BASE``-relative URLs from the package's static folder; refuses the rest."""

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=("https",))
        self.static_dir = static_dir.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_BASE):
            raise ValueError(f"only the app's static files may be fetched, not {url[:80]}")
        path = (self.static_dir / url.removeprefix(STATIC_BASE).split("?")[0]).resolve()
        if not path.is_file() or not path.is_relative_to(self.static_dir):
            raise ValueError(f"no static file {url[:80]}")
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mimetype})


def chunks(accounts: Sequence[NewAccount], size: int = CARDS_PER_PAGE
           ) -> list[Sequence[NewAccount]]:
    return [accounts[i:i + size] for i in range(0, len(accounts), size)]


def render_login_cards(accounts: Sequence[NewAccount], *, class_name: str, site_url: str,
                       site_name: str) -> bytes:
    """The cards as PDF bytes (call inside a request or app context: it uses a template)."""
    html = render_template("lms/classes/cards.html", pages=chunks(accounts),
                           class_name=class_name, site_url=site_url, site_name=site_name)
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).write_pdf(
        font_config=FontConfiguration())
