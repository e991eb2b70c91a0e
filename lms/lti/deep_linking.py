"""Deep Linking 2.0: an instructor's ``LtiDeepLinkingRequest`` launch picks a course or a
module of ours; the tool answers with a signed ``LtiDeepLinkingResponse`` (PyLTI1p3's
``DeepLink``, signed with the tool's key) posted to the platform's return URL.

The request waits in the database (:class:`LtiDeepLink`) between the launch and the choice,
so any app server can finish it, and is consumed once: a choice posted twice, or on another
server at the same moment, sends one response.

Contract with grade passback (lms.lti.grades): each content item carries the custom
parameters ``lms_course`` (our course id) and ``lms_module`` (the module's slug, absent for a
whole course); with grades, a ``lineItem`` (scoreMaximum 100, label = the title, resourceId
``"<course id>/<module slug>"`` or ``"<course id>"``). The platform sends them back in the
launches of that link.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from sqlalchemy import update

from lms.db import db
from lms.lti.contexts import is_instructor
from lms.lti.models import LtiDeepLink, LtiRegistration
from lms.lti.protocol import LaunchError
from lms.lti.tool_config import pylti_registration

log = logging.getLogger(__name__)

DEEP_LINKING = "LtiDeepLinkingRequest"
SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
#: How long the picker waits for the instructor's choice.
LIFETIME = timedelta(hours=1)
SCORE_MAXIMUM = 100


def check_request(claims: dict[str, Any]) -> None:
    """Refuse (LaunchError) a deep-linking request we cannot answer: not an instructor's,
    no return URL, or a platform that accepts no LTI resource links."""
    if not is_instructor(claims):
        raise LaunchError("only the course's instructors may choose content (the launch's "
                          "roles name no Instructor)")
    settings = claims.get(SETTINGS)
    if not isinstance(settings, dict) or not str(settings.get("deep_link_return_url") or ""):
        raise LaunchError("the deep-linking request has no deep_link_return_url")
    if "ltiResourceLink" not in (settings.get("accept_types") or []):
        raise LaunchError("the platform accepts no LTI resource links (accept_types)")


def start(registration_id: int, user_id: int, claims: dict[str, Any], *,
          class_id: int | None = None, now: datetime) -> str:
    """Keep the request for the picker; its token (for the picker's address)."""
    settings = claims[SETTINGS]
    token = secrets.token_urlsafe(32)
    data = settings.get("data")
    db.session.add(LtiDeepLink(
        token=token, registration_id=registration_id, user_id=user_id,
        deployment_id=str(claims.get(DEPLOYMENT, ""))[:255],
        return_url=str(settings["deep_link_return_url"])[:1000],
        data=None if data is None else json.dumps(data), class_id=class_id, created_at=now))
    # Old requests are of no use: dropped here rather than by a separate job.
    db.session.execute(LtiDeepLink.__table__.delete().where(
        LtiDeepLink.created_at < now - LIFETIME))
    db.session.commit()
    return token


def pending(token: str, *, now: datetime) -> LtiDeepLink | None:
    """The unused, unexpired request of ``token``, or None."""
    row = db.session.get(LtiDeepLink, token) if len(token) <= 64 else None
    if row is None or row.used_at is not None or row.created_at < now - LIFETIME:
        return None
    return row


@dataclass(frozen=True)
class Choice:
    course_id: int
    module_slug: str | None
    title: str
    grades: bool

    @property
    def resource_id(self) -> str:
        return f"{self.course_id}/{self.module_slug}" if self.module_slug else str(
            self.course_id)


@dataclass(frozen=True)
class Answer:
    return_url: str
    jwt: str


class AlreadyAnswered(ValueError):
    """The request was used (the picker posted twice) or expired."""


def content_item(choice: Choice, launch_url: str) -> DeepLinkResource:
    custom = {"lms_course": str(choice.course_id)}
    if choice.module_slug:
        custom["lms_module"] = choice.module_slug
    resource = (DeepLinkResource().set_url(launch_url).set_title(choice.title)
                .set_custom_params(custom))
    if choice.grades:
        resource.set_lineitem(LineItem().set_score_maximum(SCORE_MAXIMUM)
                              .set_label(choice.title).set_resource_id(choice.resource_id))
    return resource


def answer(token: str, choice: Choice, *, launch_url: str, now: datetime) -> Answer:
    """Consume the request (once, atomically) and sign the response for the platform."""
    used = db.session.execute(
        update(LtiDeepLink).where(LtiDeepLink.token == token, LtiDeepLink.used_at.is_(None),
                                  LtiDeepLink.created_at >= now - LIFETIME)
        .values(used_at=now))
    db.session.commit()
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyAnswered(token)
    row = db.session.get(LtiDeepLink, token)
    registration = db.session.get(LtiRegistration, row.registration_id) if row else None
    if row is None or registration is None:
        raise AlreadyAnswered(token)
    settings: dict[str, Any] = {"deep_link_return_url": row.return_url}
    if row.data is not None:
        settings["data"] = json.loads(row.data)
    link = DeepLink(pylti_registration(registration), row.deployment_id, settings)  # type: ignore[arg-type]
    signed = link.get_response_jwt([content_item(choice, launch_url)])
    log.info("deep link for course %s module %s (grades: %s) sent to %s", choice.course_id,
             choice.module_slug, choice.grades, registration.issuer)
    return Answer(return_url=row.return_url, jwt=signed)
