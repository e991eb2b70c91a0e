"""Baking a credential into a PNG (Open Badges 3.0 "Baking"): an ``iTXt`` chunk with the
keyword ``openbadgecredential`` whose text is the compact JWS. Pure."""

from __future__ import annotations

import struct
import zlib

KEYWORD = b"openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotAPng(ValueError):
    pass


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(PNG_SIGNATURE):
        raise NotAPng("not a PNG image")
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        data = png[offset + 8:offset + 8 + length]
        if len(data) != length:
            raise NotAPng("truncated PNG chunk")
        chunks.append((kind, data))
        offset += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def bake(png: bytes, credential: str) -> bytes:
    """``png`` with ``credential`` in an uncompressed iTXt chunk after the header; any
    credential baked into it before is replaced (the spec allows only one)."""
    itxt = KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + credential.encode()
    out = [PNG_SIGNATURE]
    for kind, data in _chunks(png):
        if kind == b"iTXt" and data.startswith(KEYWORD + b"\0"):
            continue
        out.append(_chunk(kind, data))
        if kind == b"IHDR":
            out.append(_chunk(b"iTXt", itxt))
    return b"".join(out)


def unbake(png: bytes) -> str | None:
    """The credential baked into ``png``, or None."""
    for kind, data in _chunks(png):
        if kind != b"iTXt" or not data.startswith(KEYWORD + b"\0"):
            continue
        rest = data[len(KEYWORD) + 1:]
        compressed, rest = rest[0], rest[2:]  # flag, method
        _language, _, rest = rest.partition(b"\0")
        _translated, _, text = rest.partition(b"\0")
        return (zlib.decompress(text) if compressed else text).decode()
    return None
