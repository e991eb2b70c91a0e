"""LTI endpoints the platform calls: the tool's JWKS, OIDC login initiation, the launch."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_user
from werkzeug.wrappers import Response

from lms.db import utcnow
from lms.i18n import page_language
from lms.lti import contexts, cookies, deep_linking, grades, keys, links, services
from lms.lti.admin_views import register as register_admin_pages
from lms.lti.deep_link_views import register as register_deep_link_pages
from lms.lti.protocol import LaunchError, login_redirect, validated_launch
from lms.lti.roster_views import register as register_roster_pages

log = logging.getLogger(__name__)
bp = Blueprint("lti", __name__)
register_admin_pages(bp)
register_deep_link_pages(bp)
register_roster_pages(bp)

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
        kind = claims.get(MESSAGE_TYPE)
        if kind not in (RESOURCE_LINK, deep_linking.DEEP_LINKING):
            raise LaunchError(f"message type {kind!r} is not supported")
        if not claims.get("sub"):
            raise LaunchError("the launch names no user (no 'sub' claim)")
        if kind == deep_linking.DEEP_LINKING:
            deep_linking.check_request(claims)
    except LaunchError as error:
        return _refused(error)
    registration = services.registration_of(claims)
    user = services.learner_for_launch(
        issuer=claims["iss"], client_id=registration.client_id, subject=str(claims["sub"]),
        name=claims.get("name") if current_app.config["LMS_LTI_SHARE_NAMES"] else None)
    if not login_user(user):  # an administrator deactivated the account
        return _refused(LaunchError("this account is deactivated on this site"))
    cookies.mark_lti_session()
    class_id = contexts.class_for_context(registration.id, claims, user, now=utcnow())
    if kind == deep_linking.DEEP_LINKING:
        token = deep_linking.start(registration.id, user.id, claims, class_id=class_id,
                                   now=utcnow())
        return redirect(url_for("lms.lti.deep_link", token=token), code=302)
    grades.record_launch(issuer=claims["iss"], client_id=registration.client_id,
                         user_id=user.id, claims=claims)
    return _land(claims)


def _land(claims: dict[str, Any]) -> Response | tuple[str, int]:
    """The launch's course or module page (lms.lti.links), else the catalogue."""
    try:
        target = links.launch_target(claims, page_language())
    except links.UnknownTarget:
        return render_template("lms/lti/notice.html", title=gettext(
            "This activity's course is not here any more"), message=gettext(
            "The course or module this activity opens no longer exists on this site. "
            "Tell your teacher: they can choose another one in the platform.")), 404
    if target is None:
        return redirect(url_for("lms.courses.catalogue"), code=302)
    if target.item_slug:
        return redirect(url_for("lms.courses.item", course_slug=target.course_slug,
                                module_slug=target.module_slug, item_slug=target.item_slug),
                        code=302)
    anchor = f"module-{target.module_slug}" if target.module_slug else None
    return redirect(url_for("lms.courses.course", course_slug=target.course_slug,
                            _anchor=anchor), code=302)
