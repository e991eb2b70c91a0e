"""An LTI 1.3 platform for the tests, built on ``lti1p3platform`` (someone else's platform
implementation, a test dependency), served over real HTTP on a free port.

``lti1p3platform`` is a library of abstract classes, not a server: it signs id_tokens,
builds the OIDC login redirect, validates the tool's preflight answer, checks a deep-linking
response and answers the token endpoint, but needs a web framework around it (it ships
Django and FastAPI adapters only). This module is that thin framework: a small Flask app with
the platform's endpoints, started in a thread by :func:`running_platform`. Everything that
decides what is signed and checked is the library's code, not ours.

For grades (AGS 2.0) the platform also has a token endpoint (the library's
``get_access_token``, which checks the tool's JWT assertion against the tool's JWKS URL over
HTTP) and line items whose score endpoint is the library's ``AssignmentsGradesService``,
with the scores kept in memory (``Platform.scores``). ``Platform.down`` makes both answer 503,
``Platform.refuse_tokens`` makes the token endpoint refuse every request.

For class lists (Names and Roles Provisioning 2.0) a launch with ``"nrps": True`` carries the
library's ``namesroleservice`` claim, and each course's memberships URL is served by the
library's ``NamesRoleProvisioningService`` (it checks the bearer token and its scope) from
``Platform.rosters``: a list of pages, linked as NRPS 2.0 says, by ``Link: <…>; rel="next"``
(the library itself would put a non-standard ``next`` in the body; it is not used). The next
page's URL carries a mixed-case token that must come back as it was.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from lti1p3platform.exceptions import (
    InvalidKeySetUrl,
    LineItemNotFoundException,
    LtiException,
    MissingRequiredClaim,
    UnsupportedGrantType,
)
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService
from werkzeug.serving import make_server


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@dataclass
class Platform:
    """The platform's side of one registration, and what it has received."""

    url: str
    client_id: str = "lms-tool"
    deployment_id: str = "deployment-1"
    private_key: str = ""
    public_key: str = ""
    #: The tool's URLs (set by the test once the tool's registration exists).
    tool_login_url: str = ""
    tool_launch_url: str = ""
    tool_jwks_url: str = ""
    #: The next launch: user, roles, context, extra claims, deep linking or not.
    launch: dict[str, Any] = field(default_factory=dict)
    deep_link_items: list[list[dict[str, Any]]] = field(default_factory=list)
    #: Line items made from deep-link answers (the first is line item 1).
    line_items: list[dict[str, Any]] = field(default_factory=list)
    #: Line item id -> {userId: the newest score received}.
    scores: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: Every score POST that reached the score endpoint (line item id, score).
    score_posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    score_content_types: list[str] = field(default_factory=list)
    #: Called when a score POST arrives, before it is stored (a test's other server).
    on_score: Callable[[], None] | None = None
    token_requests: int = 0
    #: Context id -> the pages of its member list (NRPS), each a list of member entries.
    rosters: dict[str, list[list[Any]]] = field(default_factory=dict)
    #: Every page request that reached a memberships URL (context id, page number).
    roster_requests: list[tuple[str, int]] = field(default_factory=list)
    #: Member list pages from this number on answer 503 (0: none; a platform failing halfway).
    roster_down_from: int = 0
    down: bool = False
    refuse_tokens: bool = False

    def point_at(self, tool: str, *, jwks_from: str | None = None) -> None:
        """Use the tool at ``tool`` (its JWKS from ``jwks_from`` when served elsewhere)."""
        self.tool_login_url, self.tool_launch_url = tool + "/lti/login", tool + "/lti/launch"
        self.tool_jwks_url = (jwks_from or tool) + "/lti/jwks"

    def registration_fields(self) -> dict[str, Any]:
        """What the tool's admin pastes into its registration of this platform."""
        return {"issuer": self.issuer, "client_id": self.client_id,
                "deployment_ids": [self.deployment_id],
                "auth_login_url": self.url + "/authorize",
                "auth_token_url": self.url + "/token", "key_set_url": self.url + "/jwks"}

    def memberships_url(self, context: str) -> str:
        return f"{self.url}/contexts/{context}/memberships"

    def lineitem_url(self, number: int = 1) -> str:
        return f"{self.url}/lineitems/{number}/lineitem"

    @property
    def issuer(self) -> str:
        return self.url

    def registration(self) -> Registration:
        reg = (Registration().set_iss(self.issuer).set_client_id(self.client_id)
               .set_deployment_id(self.deployment_id).set_launch_url(self.tool_launch_url)
               .set_deeplink_launch_url(self.tool_launch_url)
               .set_oidc_login_url(self.tool_login_url)
               .set_platform_public_key(self.public_key)
               .set_platform_private_key(self.private_key))
        reg.set_tool_key_set_url(self.tool_jwks_url)
        return reg


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.platform: Platform = kwargs["platform"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self.platform.registration()


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> Any:
        return redirect(url)


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self) -> dict[str, Any]:
        return request.args.to_dict()

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> Any:
        # The auto-submitting form a browser would post to the tool; the tests read it.
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(launch_data[name])}">'
            for name in ("id_token", "state"))
        return (f'<form method="post" action="{html.escape(launch_data["launch_url"])}">'
                f"{inputs}</form>")


class _FlaskRequest(Request):
    """The library's view of a Flask request (its adapters exist for Django and FastAPI)."""

    def build_metadata(self, request: Any) -> TRequest:
        return {"method": request.method, "form_data": request.form.to_dict(),
                "get_data": request.args.to_dict(), "headers": request.headers,
                "content_type": request.content_type, "path": request.path,
                "json": request.get_json(force=True, silent=True)}


class _Grades(AssignmentsGradesService):
    """The library's AGS service with in-memory storage: every line item exists; a score
    with an earlier timestamp than the one on record is not applied (AGS 2.0, 3.4.8)."""

    def __init__(self, platform: Platform, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        self.platform.score_posts.append((line_item_id, score))
        if not isinstance(score, dict) or "userId" not in score:
            raise LineItemNotFoundException("no userId")  # answered 404
        held = self.platform.scores.setdefault(line_item_id, {})
        previous = held.get(score["userId"])
        if previous is not None and previous["timestamp"] > score["timestamp"]:
            return UpdateScoreStatus.OLD_TIMESTAMP
        held[score["userId"]] = score
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def find_lineitem(self, line_item_id: str) -> Any:
        raise NotImplementedError

    def create_lineitem(self, creation_data: Any) -> Any:
        raise NotImplementedError

    def update_lineitem(self, update_data: Any) -> Any:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def get_results(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class _Roster(NamesRoleProvisioningService):
    """The library's NRPS service over ``Platform.rosters``; entries are served as they are
    (the library's ``clean_members`` would refuse a whole page for one bad entry)."""

    def __init__(self, platform: Platform, context: str, page: int, *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform, self.context, self.page = platform, context, page

    def get_member_data_page(self, **params: Any) -> Any:
        pages = self.platform.rosters.get(self.context, [[]])
        return {"content": pages[self.page - 1], "has_next": self.page < len(pages)}

    def get_context_by_id(self) -> Context:
        return Context(id=self.context, label=self.context, title=self.context)

    def clean_members(self, members: list[Any]) -> list[Any]:
        return members


def platform_app(platform: Platform) -> Flask:
    app = Flask("lti_platform")

    @app.get("/jwks")
    def jwks() -> Any:
        config = _Config(platform=platform)
        config.get_registration()
        return jsonify(config.get_jwks())

    @app.get("/start")
    def start() -> Any:
        # A user clicks the tool's link in a course: the platform starts the OIDC login.
        login = _Login(request, _Config(platform=platform))
        login.set_lti_message_hint(hint=platform.launch.get("hint", "resource-1"))
        return login.initiate_login(platform.launch.get("sub", "student-1"))

    @app.get("/authorize")
    def authorize() -> Any:
        launch = _Launch(request, _Config(platform=platform))
        spec = platform.launch
        launch.set_user_data(spec.get("sub", "student-1"), spec.get("roles", [
            "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]),
            full_name=spec.get("name"))
        launch.set_resource_link_claim(spec.get("resource_link", "resource-1"))
        if spec.get("context"):
            launch.set_launch_context_claim(spec["context"], context_title=spec.get(
                "context_title"))
        if spec.get("custom"):
            launch.set_custom_parameters_claim(spec["custom"])
        if spec.get("lineitem"):
            launch.set_ags(platform.url + "/lineitems", spec["lineitem"])
        if spec.get("nrps") and spec.get("context"):
            launch.set_nrps(platform.memberships_url(spec["context"]))
        if spec.get("deep_linking"):
            launch.set_dl(platform.url + "/deep-link-return", title="Pick content")
        return launch.lti_launch()

    @app.post("/deep-link-return")
    def deep_link_return() -> Any:
        config = _Config(platform=platform)
        config.get_registration()
        items = config.validate_deeplinking_resp({"JWT": request.form["JWT"]})
        for item in items:
            # As Moodle does: an item with a lineItem gets a grade column, whose URL the
            # activity's launches then carry in their AGS claim.
            if item.get("lineItem"):
                platform.line_items.append(item["lineItem"])
                item["lineitem_url"] = platform.lineitem_url(len(platform.line_items))
        platform.deep_link_items.append(items)
        return json.dumps(items)

    @app.post("/token")
    def token() -> Any:
        platform.token_requests += 1
        if platform.down:
            return "down for maintenance", 503
        if platform.refuse_tokens:
            return jsonify(error="invalid_client"), 401
        config = _Config(platform=platform)
        config.get_registration()
        try:
            return jsonify(config.get_access_token(request.form.to_dict()))
        except (LtiException, MissingRequiredClaim, UnsupportedGrantType, InvalidKeySetUrl,
                jwt.PyJWTError) as error:
            return jsonify(error="invalid_request", error_description=str(error)), 400

    @app.post("/lineitems/<number>/lineitem/scores")
    def score(number: str) -> Any:
        if platform.down:
            return "down for maintenance", 503
        platform.score_content_types.append(request.content_type or "")
        if platform.on_score is not None:
            platform.on_score()
        service = _Grades(platform, _FlaskRequest(request), _Config(platform=platform),
                          platform.url + "/lineitems", platform.lineitem_url(int(number)))
        service.platform_config.get_registration()
        answer = service.handle_resp(service.handle_update_score, line_item_id=number)
        return app.response_class(json.dumps(answer.result) if answer.result else "",
                                  status=answer.code, mimetype=answer.media_type)

    @app.get("/contexts/<context>/memberships")
    def memberships(context: str) -> Any:
        page = int(request.args.get("page", "1"))
        platform.roster_requests.append((context, page))
        if platform.down or 0 < platform.roster_down_from <= page:
            return "down for maintenance", 503
        if page > 1 and request.args.get("Cursor") != f"Next-{page}":
            return "this page's cursor was changed on the way", 400
        pages = platform.rosters.get(context, [[]])
        if not 1 <= page <= len(pages):
            return "no such page", 404
        service = _Roster(platform, context, page, _FlaskRequest(request),
                          _Config(platform=platform), platform.memberships_url(context))
        service.platform_config.get_registration()
        answer = service.handle_resp(service.handle_get_members)
        response = app.response_class(json.dumps(answer.result) if answer.result else "",
                                      status=answer.code, mimetype=answer.media_type)
        if answer.code == 200 and page < len(pages):
            following = (f"{platform.memberships_url(context)}?page={page + 1}"
                         f"&Cursor=Next-{page + 1}")
            response.headers["Link"] = f'<{following}>; rel="next"'
        return response

    return app


@contextmanager
def running_platform() -> Iterator[Platform]:
    """A platform listening on a free port of 127.0.0.1 for the duration of the block."""
    server = make_server("127.0.0.1", 0, Flask("placeholder"), threaded=True)
    private, public = _key_pair()
    platform = Platform(url=f"http://127.0.0.1:{server.server_port}",
                        private_key=private, public_key=public)
    server.app = platform_app(platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        thread.join()
