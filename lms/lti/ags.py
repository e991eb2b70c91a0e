"""Posting one score to a platform's line item (AGS 2.0 score service).

The access token comes from PyLTI1p3's :class:`ServiceConnector` (OAuth2 client credentials
with a JWT client assertion signed by the tool's key); the score itself is posted here, as
PyLTI1p3 would parse the platform's answer as JSON and count an empty or plain-text "OK" as
a failure. Every request has a short timeout: a platform that is down must not hold a worker.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from pylti1p3.exception import LtiServiceException
from pylti1p3.service_connector import ServiceConnector

from lms.lti.grade_models import SCORE_SCOPE
from lms.lti.models import LtiRegistration
from lms.lti.tool_config import pylti_registration

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
#: Seconds to connect, and to wait for each answer, per request (a token, then the score).
TIMEOUT = 5.0


class SendError(Exception):
    """The score did not arrive; worth trying again later."""


class Refused(SendError):
    """The platform refused this score for good (the line item is gone, a bad score)."""


class Stale(SendError):
    """The platform already holds a newer score for this learner and line item."""


class _TimeoutSession(requests.Session):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = "lms-lti-tool"

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def scores_url(lineitem: str) -> str:
    """The score service of a line item: its path plus ``/scores``, query kept (Moodle's
    line items carry ``?type_id=``)."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def brief(response: requests.Response) -> str:
    text = " ".join(response.text.split())[:120]
    return f"HTTP {response.status_code}" + (f": {text}" if text else "")


def service_connector(registration: LtiRegistration, *,
                      timeout: float = TIMEOUT) -> tuple[ServiceConnector, requests.Session]:
    """PyLTI1p3's connector for the registration's services, and its session (with the
    timeout), for the requests made here."""
    session = _TimeoutSession(timeout)
    return ServiceConnector(pylti_registration(registration), requests_session=session), session


def service_token(connector: ServiceConnector, scopes: list[str]) -> str:
    """An access token for ``scopes`` (OAuth2 client credentials, fetched once per
    connector); :class:`SendError` when the platform does not give one."""
    try:
        return str(connector.get_access_token(scopes))
    except LtiServiceException as error:
        raise SendError(f"access token refused: {brief(error.response)}") from error
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SendError(f"access token: {type(error).__name__}: {error}"[:250]) from error


class ScoreClient:
    """Posts scores for one registration; fetches one access token for all of them."""

    def __init__(self, registration: LtiRegistration, *, timeout: float = TIMEOUT) -> None:
        self.connector, self.session = service_connector(registration, timeout=timeout)

    def _token(self) -> str:
        return service_token(self.connector, [SCORE_SCOPE])

    def post(self, lineitem: str, score: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {self._token()}", "Content-Type": SCORE_TYPE}
        try:
            response = self.session.post(scores_url(lineitem), data=json.dumps(score),
                                         headers=headers, allow_redirects=False)
        except requests.RequestException as error:
            raise SendError(f"score: {type(error).__name__}: {error}"[:250]) from error
        if response.ok:
            return
        code = response.status_code
        if code == 409:  # AGS: a score with an earlier timestamp than the one on record
            raise Stale(f"score: {brief(response)}")
        if code in (401, 408, 429) or code >= 500 or 300 <= code < 400:
            raise SendError(f"score: {brief(response)}")
        raise Refused(f"score refused: {brief(response)}")
