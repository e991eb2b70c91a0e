"""The Content-Security-Policy of course images served on their own.

Nothing may load or run in them. An SVG's own styles are allowed by their hashes, never by
'unsafe-inline': shown in a lesson's ``<img>`` a browser styles it regardless of this header,
but opened directly (a new tab) it is a document of its own, and without the hashes it would
be drawn in black.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path

from werkzeug.security import safe_join

MEDIA_POLICY = "default-src 'none'"
#: More distinct style attributes than this and only the <style> elements are allowed: the
#: header must stay well under the 8 KB many proxies accept.
MAX_STYLE_HASHES = 60


def media_policy(directory: str | Path, name: str) -> str:
    """The Content-Security-Policy for the course image ``name`` inside ``directory``."""
    if not name.lower().endswith(".svg"):
        return MEDIA_POLICY
    path = safe_join(str(directory), name)
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    if path is None or stat is None:
        return MEDIA_POLICY
    elements, attributes = _svg_style_hashes(path, stat.st_mtime_ns, stat.st_size)
    if len(elements) + len(attributes) > MAX_STYLE_HASHES:
        attributes = ()
    if not elements and not attributes:
        return MEDIA_POLICY
    sources = (["'unsafe-hashes'"] if attributes else []) + list(elements + attributes)
    return f"{MEDIA_POLICY}; style-src {' '.join(sources)}"


@lru_cache(maxsize=256)
def _svg_style_hashes(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, ...],
                                                                    tuple[str, ...]]:
    """CSP hashes of an SVG's <style> elements and of its distinct style attributes
    (cached per file version: ``mtime_ns`` and ``size`` are part of the key)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return (), ()
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return (), ()  # entities are how XML bombs work; such a file gets no styles
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return (), ()
    elements: dict[str, None] = {}
    attributes: dict[str, None] = {}
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.rsplit("}", 1)[-1] == "style":
            elements[_csp_hash("".join(element.itertext()))] = None
        if "style" in element.attrib:
            attributes[_csp_hash(element.attrib["style"])] = None
    return tuple(elements), tuple(attributes)


def _csp_hash(source: str) -> str:
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"
