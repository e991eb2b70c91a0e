"""Uploaded photos made fit for a lesson: decoded, turned upright, resized, re-encoded.

Every PNG, JPEG and WebP upload is decoded with Pillow and encoded again, so what is stored
holds pixels only: EXIF (camera, date, GPS position), XMP and text chunks are not copied.
A photo wider than the maximum width (``LMS_IMAGE_MAX_WIDTH``, 1600 px) is scaled down, which
is also what makes a 6 MB phone photo a few hundred KB. GIFs (often animated) and SVGs are
stored as uploaded (SVGs are checked in :mod:`lms.authoring.media`).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from lms.authoring.media import ImageRefused
from lms.problems import N_

__all__ = ["MAX_PIXELS", "prepare_image"]

#: More pixels than this and the image is refused before it is decoded: a few-KB "decompression
#: bomb" can claim 50,000 × 50,000 pixels and would take gigabytes of memory. 40 million pixels
#: is more than any phone camera takes (a 12 MP photo is 4032 × 3024).
MAX_PIXELS = 40_000_000

_FORMATS = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}


def prepare_image(data: bytes, extension: str, max_width: int) -> bytes:
    """The bytes to store for an upload already checked by ``check_image`` (``extension`` is
    what it returned). Raises ImageRefused for a file Pillow cannot read as that image."""
    target = _FORMATS.get(extension)
    if target is None:
        return data
    image = _open(data, extension)
    image = ImageOps.exif_transpose(image)  # the camera's "rotate me" goes with the EXIF
    if image.width > max_width:
        height = max(1, round(image.height * max_width / image.width))
        image = image.resize((max_width, height), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    if target == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=85, optimize=True, progressive=True)
    elif target == "WEBP":
        image.save(output, "WEBP", quality=85)
    else:
        image.save(output, "PNG", optimize=True)
    return output.getvalue()


def _open(data: bytes, extension: str) -> Image.Image:
    name = extension.upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_FORMATS[extension]])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRefused(N_("the image claims %(width)s × %(height)s pixels; at "
                                      "most %(megapixels)s million pixels are accepted"),
                                   width=width, height=height, megapixels=MAX_PIXELS // 10**6)
            image.load()
    except ImageRefused:  # a ValueError too: not "damaged"
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(N_("the image claims far more pixels than a photo has (a "
                              "decompression bomb?); at most %(megapixels)s million pixels "
                              "are accepted"), megapixels=MAX_PIXELS // 10**6) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused(N_("the file is named .%(extension)s but it cannot be read as a "
                              "%(name)s image (damaged or not an image)"),
                           extension=extension, name=name) from None
    return image
