"""Private keys stored in the database, sealed with a key derived from the site's secret key.

Used by the LTI tool's key (lms.lti.keys) and the Open Badges signing keys (lms.badges.keys),
so that a database dump alone does not reveal them. A sealed key is a PKCS#8 PEM encrypted
with ``BestAvailableEncryption``; its password is SHA-256 of a purpose label, a NUL and the
secret key, never the secret itself. Each feature keeps its own label (``lms-lti-tool-key``,
``lms-badges-signing-key``), so one feature's sealed key does not open with another's
password. Keys sealed before this module existed were made the same way and keep opening
(tests/test_sealed_keys.py opens some that the earlier code sealed).

Opening a key is slow on purpose (the PEM's key derivation): callers keep what they opened.
Nothing here logs a key.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


def password(purpose: bytes, secret: object) -> bytes:
    """The PEM password of ``purpose`` under ``secret`` (the app's ``SECRET_KEY``).

    The secret goes through ``str()`` as it always has: a bytes ``SECRET_KEY`` counts as its
    ``repr``, and changing that would lock out the keys already stored."""
    return hashlib.sha256(purpose + b"\0" + str(secret).encode()).digest()


def seal(private: PrivateKeyTypes, *, purpose: bytes, secret: object) -> bytes:
    """``private`` as an encrypted PKCS#8 PEM, to store."""
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password(purpose, secret)))


def seal_pem(private_pem: bytes, *, purpose: bytes, secret: object) -> bytes:
    """An unencrypted PEM private key (any format) sealed as :func:`seal` does."""
    private = serialization.load_pem_private_key(private_pem, password=None)
    return seal(private, purpose=purpose, secret=secret)


def unseal(sealed: bytes, *, purpose: bytes, secret: object) -> bytes:
    """The unencrypted PKCS#8 PEM of a sealed key.

    Raises ValueError (or TypeError) when it does not open: another secret key, another
    purpose, or not a sealed key."""
    private = serialization.load_pem_private_key(sealed, password=password(purpose, secret))
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
