"""Markdown to safe HTML for course texts: the only place that turns authors' markdown into HTML.

Python-Markdown with GitHub-like extensions renders, then nh3 sanitises. Relative URLs are
rewritten during sanitising so pages work at any mount prefix (see ``render_markdown``).
"""

from __future__ import annotations

import html as html_lib
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor, ListIndentProcessor
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor

from lms.images import ImageUnreadable, read_image_size

__all__ = ["ImageSize", "LinkMap", "image_size_in", "render_inline", "render_markdown"]

LinkMap = Callable[[str], str | None]
#: ``image_size(src)`` -> (width, height) in CSS pixels, or None when unknown.
ImageSize = Callable[[str], tuple[int, int] | None]

#: Nested list items need only two spaces of indent, as on GitHub.
LIST_INDENT = 2

# "extra" minus fenced_code: superfences replaces fenced_code and the two must not both run.
_EXTENSIONS: list[str | Extension] = [
    "abbr",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "admonition",
    "sane_lists",
    "pymdownx.tilde",
    "pymdownx.tasklist",
    "pymdownx.superfences",
]

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_BULLET_START_RE = re.compile(r"^[ ]{0,3}[*+-][ ]+\S")
# CommonMark: only an ordered list starting at 1 may interrupt a paragraph.
_ORDERED_START_RE = re.compile(r"^[ ]{0,3}1[.)][ ]+\S")


def _retab(processor: BlockProcessor, tab: int) -> None:
    """Set a list processor's indent width; its regexes are compiled from it in __init__."""
    processor.tab_length = tab
    if isinstance(processor, ListIndentProcessor):
        processor.INDENT_RE = re.compile(rf"^(([ ]{{{tab}}})+)")
        return
    ordered = isinstance(processor, SaneOListProcessor)
    item, child = (r"\d+\.", r"((\d+\.))") if ordered else (r"[*+-]", r"(([*+-]))")
    up_to = tab - 1
    processor.RE = re.compile(rf"^[ ]{{0,{up_to}}}{item}[ ]+(.*)")  # type: ignore[attr-defined]
    processor.CHILD_RE = re.compile(rf"^[ ]{{0,{up_to}}}{child}[ ]+(.*)")  # type: ignore[attr-defined]
    # Any deeper indent nests (GitHub accepts 2 to 5 spaces); _NestedListProcessor dedents it.
    processor.INDENT_RE = re.compile(  # type: ignore[attr-defined]
        rf"^[ ]{{{tab},}}((\d+\.)|[*+-])[ ]+.*"
    )


_INDENTED_ITEM_RE = re.compile(r"^([ ]+)(?:\d+\.|[*+-])[ ]+")


class _NestedListProcessor(ListIndentProcessor):
    """Nested list blocks: take off the item's own indent, whether two or four spaces.

    The stock processor removes ``level * tab`` spaces, so a list nested with four spaces
    under a two-space tab would keep two spaces and turn into paragraph text.
    """

    def looseDetab(self, text: str, level: int = 1) -> str:  # noqa: N802 (Markdown API)
        match = _INDENTED_ITEM_RE.match(text)
        if match is None:
            return super().looseDetab(text, level)
        width = len(match.group(1))
        return "\n".join(
            line[min(width, len(line) - len(line.lstrip(" "))) :] for line in text.split("\n")
        )


class _ListAfterParagraphProcessor(BlockProcessor):
    """Split a paragraph block where a list starts, so lists need no blank line before them.

    Python-Markdown only starts a list at the beginning of a blank-line separated block;
    GitHub lets a list follow a paragraph line directly.
    """

    def _split_at(self, block: str) -> int:
        lines = block.split("\n")
        for index, line in enumerate(lines[1:], start=1):
            if _BULLET_START_RE.match(line) or _ORDERED_START_RE.match(line):
                return index
        return 0

    def test(self, parent: etree.Element, block: str) -> bool:
        return self._split_at(block) > 0

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        lines = blocks[0].split("\n")
        at = self._split_at(blocks[0])
        blocks[0] = "\n".join(lines[:at])
        blocks.insert(1, "\n".join(lines[at:]))
        # Not handled: the head block now goes on to the paragraph processor.
        return False


class _GitHubListsExtension(Extension):
    """Lists as on GitHub: two-space nesting, no blank line needed after a paragraph."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown API)
        parser = md.parser
        for name, cls in (
            ("olist", SaneOListProcessor),
            ("ulist", SaneUListProcessor),
            ("indent", _NestedListProcessor),
        ):
            processor = cls(parser)
            _retab(processor, LIST_INDENT)
            priority = parser.blockprocessors.get_index_for_name(name)
            parser.blockprocessors.register(
                processor, name, parser.blockprocessors._priority[priority].priority
            )
        # Just above "paragraph" (10): only blocks nothing else claimed reach it.
        parser.blockprocessors.register(_ListAfterParagraphProcessor(parser), "list_split", 11)


_HEADINGS = {f"h{level}" for level in range(1, 7)}
_CLASS_TAGS = {"div", "span", "p", "pre", "code", "a", "sup", "li", "ul", "ol", "table", "img"}
_TAGS = set(nh3.ALLOWED_TAGS) | {"input", "label", "figure", "figcaption"}
_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
}
for _tag in _CLASS_TAGS:
    _ATTRIBUTES.setdefault(_tag, set()).add("class")
# Footnotes link by id (fn:1 / fnref:1); attr_list may put ids on headings.
for _tag in {"sup", "li"} | _HEADINGS:
    _ATTRIBUTES.setdefault(_tag, set()).add("id")
_ATTRIBUTES["a"] |= {"title"}
_ATTRIBUTES["img"] |= {"title", "loading", "decoding"}
_ATTRIBUTES["abbr"] = {"title"}
_ATTRIBUTES["table"] = _ATTRIBUTES.get("table", set()) | {"tabindex"}
_ATTRIBUTES["input"] = set()
# No style attributes anywhere: the pages' CSP allows styles from files only. Aligned table
# columns get a class instead (see _alignment_classes), and only those classes.
_ALIGN_CLASSES = {"align-start", "align-center", "align-end"}
# Task-list checkboxes: always shown as disabled checkboxes, whatever the source says.
_TAG_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "checked": {"", "checked"}},
                         "td": {"class": _ALIGN_CLASSES}, "th": {"class": _ALIGN_CLASSES}}
_SET_TAG_ATTRIBUTE_VALUES = {"input": {"disabled": "disabled"}}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


class _Renderer(threading.local):
    """One Markdown instance per thread: reset() is cheap, building a new one is not."""

    def __init__(self) -> None:
        self.md = markdown.Markdown(
            extensions=[*_EXTENSIONS, _GitHubListsExtension()],
            extension_configs={"pymdownx.tasklist": {"custom_checkbox": False}},
            output_format="html",
        )

    def convert(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)


_renderer = _Renderer()


def is_relative_url(url: str) -> bool:
    """True for a URL relative to the page's folder: no scheme, not ``/…``, ``#…`` or ``?…``."""
    return bool(url) and not url.startswith(("/", "#", "?")) and not _SCHEME_RE.match(url)


def _sanitise(html: str, media_prefix: str, link_map: LinkMap | None) -> str:
    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in {"href", "src"} or not is_relative_url(value):
            return value
        if link_map is not None:
            mapped = link_map(value)
            if mapped is not None:
                return mapped
        return media_prefix + value

    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=rewrite,
        tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
        set_tag_attribute_values=_SET_TAG_ATTRIBUTE_VALUES,
        url_schemes=_URL_SCHEMES,
    )


def render_markdown(text: str, *, media_prefix: str = "", link_map: LinkMap | None = None,
                    image_size: ImageSize | None = None) -> str:
    """Render markdown to sanitised HTML.

    Relative ``src``/``href`` URLs are rewritten: ``link_map(url)`` is asked first (a
    replacement or None), otherwise ``media_prefix + url``. Headings are not shifted.
    Images load lazily and decode asynchronously; ``image_size(src)`` (see
    :func:`image_size_in`) adds ``width``/``height`` so the page does not jump as they arrive.
    """
    html = _accessible_tables(_lazy_images(_renderer.convert(text), image_size))
    return _sanitise(_alignment_classes(html), media_prefix, link_map)


_EMPTY_TH_RE = re.compile(r"<th(\s[^>]*)?>\s*</th>")
_TABLE_RE = re.compile(r"<table>")
_ALIGN_STYLE_RE = re.compile(
    r"<(t[dh])\b([^>]*?)\sstyle=\"text-align:\s*(left|center|right);?\"", re.IGNORECASE)
_ALIGN_SIDES = {"left": "start", "center": "center", "right": "end"}


def _alignment_classes(html: str) -> str:
    """``| --: |`` columns come out of Python-Markdown as ``style="text-align: right;"``;
    the CSP refuses style attributes, so they become ``class="align-end"`` (lms/style.css:
    left and right are read as start and end, so a table mirrors on a right-to-left page)."""
    def to_class(match: re.Match[str]) -> str:
        tag, attributes, side = match.groups()
        return f'<{tag}{attributes} class="align-{_ALIGN_SIDES[side.lower()]}"'

    return _ALIGN_STYLE_RE.sub(to_class, html)


def _accessible_tables(html: str) -> str:
    """An empty corner header becomes a plain cell (an empty header names nothing), and a
    table is focusable, so a keyboard can scroll it sideways on a phone (``.prose table``
    scrolls horizontally)."""
    html = _EMPTY_TH_RE.sub(lambda m: f"<td{m.group(1) or ''}></td>", html)
    return _TABLE_RE.sub('<table tabindex="0">', html)


# -- images: lazy loading and intrinsic sizes ----------------------------------------------

_IMG_RE = re.compile(r"<img\b([^>]*?)\s*/?>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")


def _lazy_images(html: str, image_size: ImageSize | None) -> str:
    def rewrite(match: re.Match[str]) -> str:
        attributes = match.group(1)
        names = {name.lower() for name, _ in _ATTR_RE.findall(attributes)}
        extra = []
        if "loading" not in names:
            extra.append('loading="lazy"')
        if "decoding" not in names:
            extra.append('decoding="async"')
        if image_size is not None and not {"width", "height"} & names:
            src = dict((n.lower(), v.strip("\"'")) for n, v in _ATTR_RE.findall(attributes))
            size = image_size(html_lib.unescape(src.get("src", "")))
            if size is not None:
                extra.append(f'width="{size[0]}" height="{size[1]}"')
        return f"<img{attributes} {' '.join(extra)}>" if extra else match.group(0)

    return _IMG_RE.sub(rewrite, html)


def image_size_in(folder: Path, root: Path) -> ImageSize:
    """Sizes of images written relative to ``folder``, read only from files inside ``root``:
    SVG (width/height, else viewBox) and the raster formats Pillow reads (PNG, JPEG, WebP,
    GIF). Anything else, or a file that is not the image it claims to be, gives None: the
    page renders without a size and ``lms courses check`` names the file (see
    :func:`lms.images.image_problem`)."""
    root = root.resolve()

    def size(src: str) -> tuple[int, int] | None:
        if not is_relative_url(src):
            return None
        path = (folder / unquote(src.split("#", 1)[0].split("?", 1)[0])).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        try:
            return read_image_size(path)
        except ImageUnreadable:
            return None

    return size


def render_inline(text: str) -> str:
    """Render a short string (a quiz prompt, an option) to sanitised HTML without a <p>."""
    html = _renderer.convert(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return _sanitise(html, "", None)
