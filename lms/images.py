"""Picture sizes and problems: what lesson pages need to reserve an image's space before it
arrives, and what the course checker says about a picture a browser would not show.

SVG sizes come from the root element; raster formats (PNG, JPEG, WebP, GIF) through Pillow,
which reads only the header for a size.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from lms.problems import N_

__all__ = ["ImageUnreadable", "image_problem", "read_image_size"]

_SVG_TAG_RE = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SVG_LENGTH_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")


class ImageUnreadable(ValueError):
    """An image file that cannot be read (not an image, an unknown format, cut short)."""


#: What Pillow raises for a file that is not an image or is damaged (UnidentifiedImageError
#: is an OSError; some decoders raise SyntaxError or struct.error for bad headers).
_PILLOW_ERRORS = (OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError)
#: EXIF orientations that turn the picture a quarter: browsers show it with the sides swapped.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
#: The raster formats every browser shows; Pillow reads more (BMP, TIFF, PSD) that they don't.
BROWSER_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


def read_image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) as a browser shows the image: SVG from its root element, raster
    formats from their header through Pillow (an EXIF quarter turn swaps the sides).

    None for an SVG without a usable size; :class:`ImageUnreadable` for a raster file
    Pillow cannot read (or that could not be opened at all)."""
    if path.suffix.lower() == ".svg":
        try:
            with path.open("rb") as file:
                head = file.read(8192)
        except OSError as error:
            raise ImageUnreadable(str(error)) from error
        return _svg_size(head.decode("utf-8", "replace"))
    try:
        # Reads the header only, never the pixels.
        with Image.open(path, formats=BROWSER_FORMATS) as image:
            width, height = image.size
            if image.format in ("JPEG", "WEBP") and (
                    image.getexif().get(0x0112) in _QUARTER_TURNS):
                width, height = height, width
    except _PILLOW_ERRORS as error:
        raise ImageUnreadable(str(error) or type(error).__name__) from error
    return width, height


def image_problem(path: Path) -> str | None:
    """Why a raster image would not show in a browser, as a course checker message with an
    ``%(url)s`` placeholder (the whole file is decoded, so one cut short is found too), or
    None when it is fine. SVG files are the checker's own business."""
    if path.suffix.lower() == ".svg":
        return None
    try:
        stat = path.stat()
    except OSError:
        return N_("image cannot be read: %(url)s")
    return _raster_problem(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _raster_problem(path: str, mtime_ns: int, size: int) -> str | None:
    # Cached per file version: a picture used on several pages is decoded once per check.
    try:
        with Image.open(path, formats=BROWSER_FORMATS) as image:
            image.load()
            cut_short = _cut_short(path, image.format or "")
    except UnidentifiedImageError:
        return N_("image is not a PNG, JPEG, WebP or GIF picture (renamed from another "
                  "format?): save it again in one of them: %(url)s")
    except Image.DecompressionBombError:
        return N_("image has too many pixels to show on a phone: make it smaller: %(url)s")
    except _PILLOW_ERRORS:
        cut_short = True
    if cut_short:
        return N_("image is damaged or cut short: save or copy it again: %(url)s")
    return None


def _cut_short(path: str, format: str) -> bool:
    """Whether the file stops before its format's end mark. Checked by hand because Pillow
    fills in a cut-short picture without a word once anything in the process has set
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` (WeasyPrint does, on import)."""
    with open(path, "rb") as file:
        head = file.read(12)
        size = file.seek(0, 2)
        file.seek(max(0, size - 64))
        tail = file.read()
    if format == "PNG":
        return b"IEND" not in tail
    if format == "JPEG":
        return b"\xff\xd9" not in tail
    if format == "GIF":
        return not tail.rstrip(b"\x00").endswith(b";")
    if format == "WEBP":  # RIFF: the header says how long the file is
        return int.from_bytes(head[4:8], "little") + 8 > size
    return False


def _svg_size(head: str) -> tuple[int, int] | None:
    tag = _SVG_TAG_RE.search(head)
    if tag is None:
        return None
    attrs = {n.lower(): v.strip("\"'") for n, v in _ATTR_RE.findall(tag.group(0))}
    lengths = [_SVG_LENGTH_RE.match(attrs.get(name, "")) for name in ("width", "height")]
    if lengths[0] and lengths[1]:
        return round(float(lengths[0].group(1))), round(float(lengths[1].group(1)))
    box = attrs.get("viewbox", "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return round(float(box[2])), round(float(box[3]))
    except ValueError:  # viewBox="0 0 wide tall": no size, the checker's SVG rules speak
        return None
    return None
