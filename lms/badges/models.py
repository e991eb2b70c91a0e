"""The site's signing keys for Open Badges credentials.

Keys live in the database so that every app server signs with the same key and publishes
the same public keys. The private key is stored encrypted with a key derived from the
site's secret key: a database dump or backup alone does not reveal it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, Text, false, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms.db import db, utcnow


class BadgeKey(db.Model):  # type: ignore[name-defined,misc]
    """One signing key. Exactly one key signs (``signing``); rotated keys keep their public
    half published so that credentials they signed still verify, until withdrawn."""

    __tablename__ = "lms_badge_key"
    # The database guarantees one signing key, even when two servers make the first one at
    # the same moment: the second insert fails and that server uses the winner's key.
    __table_args__ = (Index(
        "uq_lms_badge_key_signing", "signing", unique=True,
        sqlite_where=text("signing"), postgresql_where=text("signing"),
    ),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RFC 7638 thumbprint of the public key; the ``kid`` is a URL ending with it.
    thumbprint: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(10))
    #: The public JWK as JSON (no private members).
    public_jwk: Mapped[str] = mapped_column(Text)
    #: PKCS#8 PEM, encrypted (see lms.badges.keys); deferred: only signing loads it.
    private_pem: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    signing: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    #: A withdrawn key (lost or compromised) is no longer published: what it signed is invalid.
    withdrawn_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<BadgeKey {self.thumbprint[:12]} {self.algorithm} signing={self.signing}>"
