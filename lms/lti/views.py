"""LTI endpoints the platform calls: the tool's JWKS, OIDC login initiation, the launch."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from lms.db import utcnow
from lms.lti import contexts, cookies, keys, services
from lms.lti.admin_views import register as register_admin_pages
from lms.lti.protocol import LaunchError, login_redirect, validated_launch

log = logging.getLogger(__name__)
bp = Blueprint("lti", __name__)
register_admin_pages(bp)

RESOURCE_LINK = "LtiResourceLinkRequest"
MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"


def _refused(error: LaunchError) -> tuple[str, int]:
    log.info("LTI launch refused: %s", error.reason)
    return render_template("lms/lti/error.html", reason=error.reason), 400


@bp.get("/lti/jwks")
def jwks() -> Response:
    response = jsonify(keys.public_jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/lti/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    # Two rounds: a cross-site test cookie first; when the frame keeps none, the learner
    # starts the same login in a new window (first-party there) instead of failing later.
    if services.login_registration(request.values.get("iss"),
                                   request.values.get("client_id")) is None:
        return _refused(LaunchError("no registration for this issuer and client ID"))
    checking = cookies.cookie_check_redirect()
    if checking is not None:
        return checking
    if cookies.cookies_blocked():
        return render_template("lms/lti/new_window.html", url=cookies.login_url_again())
    try:
        # The launch comes back to our own launch URL, whatever target the platform named.
        return login_redirect(url_for("lms.lti.launch", _external=True))
    except LaunchError as error:
        return _refused(error)


@bp.post("/lti/launch")
def launch() -> Response | tuple[str, int]:
    try:
        claims = validated_launch()
        if claims.get(MESSAGE_TYPE) != RESOURCE_LINK:
            raise LaunchError(f"message type {claims.get(MESSAGE_TYPE)!r} is not supported yet")
        if not claims.get("sub"):
            raise LaunchError("the launch names no user (no 'sub' claim)")
    except LaunchError as error:
        return _refused(error)
    aud = claims["aud"]
    client_id = aud if isinstance(aud, str) else claims.get("azp", aud[0])
    user = services.learner_for_launch(
        issuer=claims["iss"], client_id=client_id, subject=str(claims["sub"]),
        name=claims.get("name") if current_app.config["LMS_LTI_SHARE_NAMES"] else None)
    if not login_user(user):  # an administrator deactivated the account
        return _refused(LaunchError("this account is deactivated on this site"))
    cookies.mark_lti_session()
    contexts.class_for_context(services.registration_of(claims).id, claims, user, now=utcnow())
    return redirect(url_for("lms.courses.catalogue"))
