"""Checking uploaded images: the bytes must be the image type the name claims, SVG harmless."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from lms.problems import N_, MessageError

__all__ = ["MAX_IMAGE_BYTES", "ImageRefused", "check_image", "megabytes"]

#: The default of ``LMS_IMAGE_MAX_BYTES``: a phone photo fits, and is made smaller on upload.
MAX_IMAGE_BYTES = 10 * 1024 * 1024

_SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler"}
_SAFE_STYLE_RE = re.compile(r"@import|url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class ImageRefused(MessageError):
    """The upload is not an acceptable image; the message says why."""


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(filename: str, data: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """The checked extension (``png``, ``jpg``, ``gif``, ``webp``, ``svg``) of an upload.

    Raises ImageRefused when the file is too big, of another type than its name says, or
    an SVG that could run code or load other files.
    """
    if len(data) > max_bytes:
        raise ImageRefused(N_("the image is larger than %(size)s MB"),
                           size=megabytes(max_bytes))
    if not data:
        raise ImageRefused(N_("the file is empty"))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = "jpg" if extension == "jpeg" else extension
    if extension not in {"png", "jpg", "gif", "webp", "svg"}:
        raise ImageRefused(N_("only .svg, .png, .jpg, .gif and .webp images can be uploaded"))
    if extension == "svg":
        _check_svg(data)
        return "svg"
    found = _sniff(data)
    if found != extension:
        if found:
            raise ImageRefused(N_("the file is named .%(extension)s but its content is a "
                                  "%(found)s image"), extension=extension, found=found.upper())
        raise ImageRefused(N_("the file is named .%(extension)s but its content is not an "
                              "image"), extension=extension)
    return extension


def megabytes(size: int) -> str:
    """``10`` for 10 MiB, ``1.5`` for 1.5 MiB: the limit as the forms state it."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _check_svg(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImageRefused(N_("the SVG file is not UTF-8 text")) from None
    # Entities are how XML bombs and file reads work; an illustration never needs them.
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise ImageRefused(N_("SVG files with a DOCTYPE or entities are not accepted"))
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ImageRefused(N_("the SVG file is not well-formed XML (%(error)s)"),
                           error=str(error)) from None
    if _local(root.tag) != "svg":
        raise ImageRefused(N_("the file is not an SVG image"))
    for element in root.iter():
        tag = _local(element.tag).lower()
        if tag in _SVG_FORBIDDEN_TAGS:
            raise ImageRefused(N_("SVG images may not contain <%(tag)s>"), tag=_local(element.tag))
        if tag == "style" and _SAFE_STYLE_RE.search(element.text or ""):
            raise ImageRefused(N_("SVG styles may not load other files"))
        for name, value in element.attrib.items():
            attribute = _local(name).lower()
            if attribute.startswith("on"):
                raise ImageRefused(N_("SVG images may not contain event attributes "
                                      "(%(attribute)s)"), attribute=attribute)
            if attribute == "href" and not value.strip().startswith("#"):
                raise ImageRefused(N_("SVG images may only link inside themselves (href=\"#…\")"))
            if attribute == "style" and _SAFE_STYLE_RE.search(value):
                raise ImageRefused(N_("SVG styles may not load other files"))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
