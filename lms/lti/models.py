"""The LTI tables: platform registrations, the tool's key pair, login states, identities.

Everything lives in the database so that every app server agrees: a login started on one
server can finish on another, and a state is consumed once across all of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms.db import db, utcnow


class LtiRegistration(db.Model):  # type: ignore[name-defined,misc]
    """One platform (issuer + client id) that may launch the tool, as an admin entered it."""

    __tablename__ = "lms_lti_registration"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    #: One deployment id a line: a platform may deploy the tool several times.
    deployment_ids: Mapped[str] = mapped_column(Text, default="")
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    key_set_url: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def deployments(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]


class LtiKey(db.Model):  # type: ignore[name-defined,misc]
    """The tool's RSA key pair (it signs deep-linking responses and service token requests;
    platforms read the public half from the JWKS endpoint). The private key is stored
    encrypted with a key derived from the site's secret key, as lms.badges does."""

    __tablename__ = "lms_lti_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_pem: Mapped[str] = mapped_column(Text)
    private_pem: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiLoginState(db.Model):  # type: ignore[name-defined,misc]
    """The state and nonce the tool issued at an OIDC login: the launch must carry this
    nonce for this state, and consumes the pair once (``used_at``)."""

    __tablename__ = "lms_lti_login_state"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_registration.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class LtiIdentity(db.Model):  # type: ignore[name-defined,misc]
    """A platform's user (its ``sub``) and the account the launches log in."""

    __tablename__ = "lms_lti_identity"
    __table_args__ = (UniqueConstraint("registration_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_registration.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiContext(db.Model):  # type: ignore[name-defined,misc]
    """A platform's course (the launch's context claim) and the class of ours it maps to:
    its instructors teach the class, its learners are members."""

    __tablename__ = "lms_lti_context"
    __table_args__ = (UniqueConstraint("registration_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_registration.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_class.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The course's Names and Roles service (NRPS 2.0), from the newest launch that named
    #: one: the class list is read from it (lms.lti.roster). None: the platform offers none.
    memberships_url: Mapped[str | None] = mapped_column(String(1000))
    #: When the class list was last read from the platform.
    roster_synced_at: Mapped[datetime | None]


class LtiDeepLink(db.Model):  # type: ignore[name-defined,misc]
    """An instructor's deep-linking request waiting for their choice: what the signed
    response needs, kept here (not in the session) so any app server can finish it, once
    (``used_at``). ``token`` is the random key in the picker's address."""

    __tablename__ = "lms_lti_deep_link"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_registration.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    return_url: Mapped[str] = mapped_column(String(1000))
    #: The platform's opaque ``data`` value, returned as it came (JSON).
    data: Mapped[str | None] = mapped_column(Text)
    #: The class of the platform course the instructor picks for: the choice is assigned to it.
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_class.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class LtiWaitingLearner(db.Model):  # type: ignore[name-defined,misc]
    """A learner who launched from a platform course before any of its instructors did: the
    course has no class yet (a class needs a teacher to own it). The instructor's first
    launch makes the class, enrols every waiting learner and drops their rows."""

    __tablename__ = "lms_lti_waiting_learner"
    __table_args__ = (UniqueConstraint("registration_id", "context_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lms_lti_registration.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                         index=True)
    launched_at: Mapped[datetime] = mapped_column(default=utcnow)
