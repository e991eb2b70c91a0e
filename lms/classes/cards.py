"""Login cards for email-less class accounts: a PDF with eight cards per A4 page.

The PDF is made from the in-memory list of new accounts in the request that created them (or
made a one-time code, see lms.resets) and is never stored: plain passwords and codes exist
only in that one response.
WeasyPrint may fetch only the app's own static files; every other URL (``file:``, ``http:``,
``data:``…) is refused, so a class or student name can never make the server read a file or
call the network.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask import render_template

from lms.classes.services import NewAccount

if TYPE_CHECKING:
    from lms.pdf import LocalFilesFetcher

log = logging.getLogger(__name__)

#: A base URL that cannot exist on the network: only paths under it are served, from disk.
STATIC_BASE = "https://lms-static.invalid/static/"
CARDS_PER_PAGE = 8


def chunks(accounts: Sequence[NewAccount], size: int = CARDS_PER_PAGE
           ) -> list[Sequence[NewAccount]]:
    return [accounts[i:i + size] for i in range(0, len(accounts), size)]


def render_login_cards(accounts: Sequence[NewAccount], *, class_name: str, site_url: str,
                       site_name: str) -> bytes:
    """The cards as PDF bytes (call inside a request or app context: it uses a template)."""
    html = render_template("lms/classes/cards.html", pages=chunks(accounts),
                           class_name=class_name, site_url=site_url, site_name=site_name)
    from lms.pdf import render_pdf  # imported here: WeasyPrint is slow to import

    return render_pdf(html, STATIC_BASE, url_fetcher=static_fetcher())


def static_fetcher() -> LocalFilesFetcher:
    """Only the app's static files; ``file:``, the network and everything else are refused."""
    from lms.pdf import STATIC_DIR, LocalFilesFetcher

    return LocalFilesFetcher({STATIC_BASE: STATIC_DIR})
