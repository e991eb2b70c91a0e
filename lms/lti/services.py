"""LTI services: registrations, login states and the accounts launches log in. Each
function owns its commit; none reads the request."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.auth.services import create_user
from lms.db import db, utcnow
from lms.lti.cookies import forget_origins
from lms.lti.models import LtiIdentity, LtiLoginState, LtiRegistration
from lms.lti.tool_config import find_registration

log = logging.getLogger(__name__)

#: How long a login's state waits for its launch (the platform answers within seconds).
STATE_LIFETIME = timedelta(minutes=10)


class RegistrationExists(ValueError):
    """The platform already has a registration with this client id."""


def list_registrations() -> list[LtiRegistration]:
    return list(db.session.scalars(select(LtiRegistration).order_by(LtiRegistration.name)))


def create_registration(*, name: str, issuer: str, client_id: str, deployment_ids: list[str],
                        auth_login_url: str, auth_token_url: str,
                        key_set_url: str) -> LtiRegistration:
    row = LtiRegistration(name=name.strip(), issuer=issuer.strip(), client_id=client_id.strip(),
                          deployment_ids="\n".join(d.strip() for d in deployment_ids if d.strip()),
                          auth_login_url=auth_login_url.strip(),
                          auth_token_url=auth_token_url.strip(), key_set_url=key_set_url.strip())
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise RegistrationExists(row.issuer) from error
    forget_origins()
    log.info("registered LTI platform %s (client %s)", row.issuer, row.client_id)
    return row


def login_registration(issuer: str | None, client_id: str | None) -> LtiRegistration | None:
    """The registration a login initiation names, if any."""
    return find_registration(issuer, client_id) if issuer else None


def registration_of(claims: dict[str, Any]) -> LtiRegistration:
    """The registration of a validated launch (its issuer and audience)."""
    aud = claims["aud"]
    client_id = aud if isinstance(aud, str) else claims.get("azp", aud[0])
    registration = find_registration(claims["iss"], client_id)
    assert registration is not None  # the launch was validated against it
    return registration


def record_login(*, state: str, nonce: str, issuer: str, client_id: str) -> None:
    """Remember the nonce issued with ``state`` (the launch must bring both back, once)."""
    registration = find_registration(issuer, client_id)
    assert registration is not None  # the login was validated against it
    db.session.add(LtiLoginState(state=state, nonce=nonce, registration_id=registration.id))
    # Old states are of no use: drop them here rather than in a separate job.
    db.session.execute(LtiLoginState.__table__.delete().where(
        LtiLoginState.created_at < utcnow() - STATE_LIFETIME))
    db.session.commit()


def nonce_matches(state: str, nonce: str) -> bool:
    """Whether ``nonce`` is the unused, unexpired nonce issued with ``state``."""
    row = db.session.get(LtiLoginState, state)
    return (row is not None and row.used_at is None and secrets.compare_digest(row.nonce, nonce)
            and row.created_at >= utcnow() - STATE_LIFETIME)


def consume_login(*, state: str, nonce: str, issuer: str, client_id: str) -> bool:
    """Mark the login used; False when it was already used (a replay), by any app server,
    or belongs to another registration. A single conditional UPDATE makes this atomic."""
    registration = find_registration(issuer, client_id)
    if registration is None:
        return False
    result = db.session.execute(
        update(LtiLoginState)
        .where(LtiLoginState.state == state, LtiLoginState.nonce == nonce,
               LtiLoginState.registration_id == registration.id,
               LtiLoginState.used_at.is_(None))
        .values(used_at=utcnow()))
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def learner_for_launch(*, issuer: str, client_id: str, subject: str,
                       name: str | None) -> User:
    """The account of the platform's user ``subject``, made on their first launch. No email
    is needed; the name is the platform's when it sends one."""
    registration = find_registration(issuer, client_id)
    assert registration is not None
    found = db.session.scalar(select(LtiIdentity).where(
        LtiIdentity.registration_id == registration.id, LtiIdentity.subject == subject))
    if found is not None:
        user = db.session.get(User, found.user_id)
        assert user is not None
        if user.deleted_at is None:
            return user  # active, or deactivated by an administrator (the view refuses it)
        # The learner deleted their account: a new launch starts a new one, unlinked from
        # the deleted account's remains.
        db.session.delete(found)
        db.session.commit()
    # A random username: one derived from the subject could be taken first by someone
    # signing up under it (Moodle's subjects are small numbers), and would then be theirs.
    username = f"lti-{secrets.token_hex(8)}"
    # Without a name from the platform the account shows its username (the learner may
    # set a name on their account page).
    user = create_user(username=username, password=secrets.token_urlsafe(32),
                       display_name=(name or "").strip()[:120] or username)
    db.session.add(LtiIdentity(registration_id=registration.id, subject=subject,
                               user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:
        # The same user's first launch on two app servers at once: the other server's
        # identity won; drop the account made here (it has nothing yet) and use theirs.
        db.session.rollback()
        db.session.delete(user)
        db.session.commit()
        winner = db.session.scalar(select(LtiIdentity).where(
            LtiIdentity.registration_id == registration.id, LtiIdentity.subject == subject))
        assert winner is not None
        found_user = db.session.get(User, winner.user_id)
        assert found_user is not None
        return found_user
    log.info("created account %s for an LTI launch from %s", user.username, issuer)
    return user
