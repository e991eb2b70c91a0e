"""Bitstring Status List (W3C): the revocation bits of many credentials in one list. Pure."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable


def encode_list(revoked: Iterable[int], size: int) -> str:
    """``encodedList``: multibase (``u``, base64url without padding) of the GZIP-compressed
    bitstring where bit ``i`` (the first bit is the most significant of the first byte) is
    set when index ``i`` is revoked."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)  # mtime 0: the same list, the same bytes
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def is_set(encoded: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set."""
    if not encoded.startswith("u"):
        raise ValueError("the encoded list is not base64url multibase")
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if index < 0 or index // 8 >= len(bits):
        raise ValueError("status list index out of range")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
