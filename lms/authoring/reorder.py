"""Reordering a draft: move a module or an item up or down and keep its links working."""

from __future__ import annotations

import os
import re
from pathlib import Path

from lms.authoring.drafts import item_groups, module_dirs
from lms.authoring.storage import DraftError, atomic_write, resolve_rel
from lms.courses.layout import parse_item_name, parse_module_dir
from lms.problems import N_

__all__ = ["move"]

_LINK_DEST_RE = re.compile(r"(\]\(\s*<?)([^)\s>]+)")
_REF_DEF_RE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?)$", re.MULTILINE)


def move(root: Path, rel: str, offset: int) -> None:
    """Move a module folder or an item (all its language files) up (-1) or down (+1).

    Every sibling is renumbered ``01-``, ``02-``… in one step; ids stay the same because they
    are the names without the numbers. Relative links in the draft's markdown that name a
    renamed file or folder are rewritten.
    """
    target = resolve_rel(root, rel)
    renames: dict[str, str] = {}
    if target.is_dir():
        modules = module_dirs(root)
        order = [dirname for _, _, dirname in modules]
        index = order.index(target.name) if target.name in order else -1
        if index < 0:
            raise DraftError(N_("no such module"))
        _swap(order, index, offset)
        for position, dirname in enumerate(order, start=1):
            new = f"{position:02d}-{parse_module_dir(dirname)[1]}"  # type: ignore[index]
            if new != dirname:
                renames[dirname] = new
        _rename_all(root, renames)
    else:
        item = parse_item_name(target.name)
        if item is None or not target.is_file():
            raise DraftError(N_("no such item"))
        folder = target.parent
        groups = item_groups(folder)
        keys = list(groups)
        index = keys.index((item.position, item.name, item.is_quiz))
        _swap(keys, index, offset)
        for position, key in enumerate(keys, start=1):
            for filename in groups[key]:
                new = f"{position:02d}-" + filename.split("-", 1)[1]
                if new != filename:
                    renames[filename] = new
        _rename_all(folder, renames)
    if renames:
        _rewrite_links(root, renames)


def _swap(order: list[object], index: int, offset: int) -> None:
    other = index + offset
    if not 0 <= other < len(order):
        raise DraftError(N_("it is already at that end"))
    order[index], order[other] = order[other], order[index]


def _rename_all(folder: Path, renames: dict[str, str]) -> None:
    """Rename in two passes through hidden names, so ``01-a``/``02-b`` can swap."""
    for old in renames:
        os.rename(folder / old, folder / f".renaming-{old}")
    for old, new in renames.items():
        os.rename(folder / f".renaming-{old}", folder / new)


def _rewrite_links(root: Path, renames: dict[str, str]) -> None:
    def fix(url: str) -> str:
        if "://" in url or url.startswith(("#", "/", "mailto:")):
            return url
        path, hash_mark, fragment = url.partition("#")
        parts = [renames.get(part, part) for part in path.split("/")]
        return "/".join(parts) + hash_mark + fragment

    for path in sorted(root.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        new = _LINK_DEST_RE.sub(lambda m: m.group(1) + fix(m.group(2)), text)
        new = _REF_DEF_RE.sub(lambda m: m.group(1) + fix(m.group(2)) + m.group(3), new)
        if new != text:
            atomic_write(path, new.encode("utf-8", errors="surrogateescape"))
