"""PyLTI1p3's Flask classes, with the holes of stock PyLTI1p3 2.0.0 closed:

- the nonce is checked against the one this tool issued **for that state** (stock only checks
  that some nonce was issued, in the Flask session, and never forgets it), and the pair is
  consumed once, in the database, so two app servers agree and an id_token posted twice is
  refused;
- ``exp`` and ``iat`` are required (stock accepts a token without ``exp``).

The launch data is not kept in the Flask session (stock does; the session is a cookie here):
deep linking and grade passback will keep what they need in the database.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from pylti1p3.contrib.flask import (
    FlaskCookieService,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.contrib.flask.session import FlaskSessionService
from pylti1p3.exception import LtiException, OIDCException

from lms.lti import services
from lms.lti.cookies import cross_site_cookie
from lms.lti.tool_config import DatabaseToolConf

#: Signature, ``exp``, ``iat`` and ``nbf`` checked by PyJWT; the audience is checked by
#: PyLTI1p3 finding the registration of ``aud`` (verifying it here would need it twice).
VERIFY_OPTIONS = {"verify_aud": False, "require": ["exp", "iat"]}


class LaunchError(Exception):
    """A launch refused: ``reason`` says why, for the error page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NoSessionStore(FlaskSessionService):
    # Nonces, state parameters and launch data live in the database, not in the Flask
    # session: the checks below replace the session's.
    def save_nonce(self, nonce: str) -> None:
        pass

    def check_nonce(self, nonce: str) -> bool:
        return False

    def save_launch_data(self, key: str, jwt_body: Any) -> None:
        pass

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False  # the state cookie must match (PyLTI1p3's fallback check)


class _StateCookies(FlaskCookieService):
    # Stock sets ``SameSite=None; Secure`` only over HTTPS and never ``Partitioned``: the
    # state cookie must come back inside the platform's frame, like the session cookie.
    def update_response(self, response: Any) -> None:
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(**cross_site_cookie(key=key, value=data["value"],
                                                    max_age=data["exp"], path="/"))


class _Login(FlaskOIDCLogin):
    def _prepare_redirect_url(self, launch_url: str) -> str:
        url = super()._prepare_redirect_url(launch_url)
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        services.record_login(state=params["state"], nonce=params["nonce"],
                              issuer=self._registration.get_issuer(),
                              client_id=self._registration.get_client_id())
        return url


class _Launch(FlaskMessageLaunch):
    def validate_nonce(self) -> _Launch:
        nonce = self._get_jwt_body().get("nonce")
        state = self._get_request_param("state")
        if not nonce or not services.nonce_matches(state, str(nonce)):
            raise LtiException("the nonce is not the one issued for this login, or was used")
        return self

    def save_launch_data(self) -> _Launch:
        return self


def login_redirect(launch_url: str) -> Any:
    """The response to a platform's OIDC login initiation (GET or POST)."""
    request = FlaskRequest()
    login = _Login(request, DatabaseToolConf(), session_service=_NoSessionStore(request),
                   cookie_service=_StateCookies(request))
    try:
        return login.redirect(launch_url)
    except (LtiException, OIDCException) as error:
        raise LaunchError(str(error)) from error


def validated_launch() -> dict[str, Any]:
    """The claims of the posted id_token, once every check passed and its login was consumed;
    raises :class:`LaunchError` otherwise."""
    request = FlaskRequest()
    launch = _Launch(request, DatabaseToolConf(), session_service=_NoSessionStore(request))
    launch.set_jwt_verify_options(VERIFY_OPTIONS)
    try:
        claims = launch.get_launch_data()
    except LtiException as error:
        raise LaunchError(str(error)) from error
    except Exception as error:  # PyLTI1p3 lets some errors through (a platform JWKS that is
        # unreachable raises from requests; a malformed claim may raise KeyError/TypeError).
        raise LaunchError(f"{type(error).__name__}: {error}") from error
    if not services.consume_login(state=request.get_param("state"), nonce=str(claims["nonce"]),
                                  issuer=claims["iss"], client_id=launch.get_client_id()):
        raise LaunchError("this login was already used (an id_token posted twice)")
    return claims
