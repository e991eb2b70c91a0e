"""Starting a translation: a copy of the original marked ``untranslated`` until its text
changes, so the checker never takes an English copy for Italian (see
:data:`lms.courses.schema.UNTRANSLATED`)."""

from __future__ import annotations

from pathlib import Path

from lms.authoring import drafts, storage
from lms.courses.frontmatter import split_lines
from lms.courses.schema import UNTRANSLATED, body_fingerprint

__all__ = ["mark_untranslated", "start_translation"]


def mark_untranslated(text: str) -> str:
    """``text`` with ``untranslated: "<fingerprint of its body>"`` in its front matter."""
    lines = split_lines(text)
    if not lines or lines[0].strip() != "---":
        return text
    close = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")),
                 None)
    if close is None:
        return text
    body = "\n".join(lines[close + 1:])
    marker = f'{UNTRANSLATED}: "{body_fingerprint(body)}"'
    kept = [line for line in lines[1:close] if not line.startswith(f"{UNTRANSLATED}:")]
    return "\n".join([lines[0], *kept, marker, *lines[close:]])


def start_translation(root: Path, rel: str, language: str) -> str:
    """Copy ``rel`` as its ``language`` translation, marked untranslated; returns its path."""
    new_rel = drafts.add_translation(root, rel, language)
    path = storage.resolve_rel(root, new_rel)
    text = storage.read_file(root, new_rel).decode("utf-8", errors="surrogateescape")
    storage.atomic_write(path, mark_untranslated(text).encode("utf-8", errors="surrogateescape"))
    return new_rel
