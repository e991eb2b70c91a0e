"""An LTI 1.3 platform for the tests, built on ``lti1p3platform`` (someone else's platform
implementation, a test dependency), served over real HTTP on a free port.

``lti1p3platform`` is a library of abstract classes, not a server: it signs id_tokens,
builds the OIDC login redirect, validates the tool's preflight answer, checks a deep-linking
response and answers the token endpoint, but needs a web framework around it (it ships
Django and FastAPI adapters only). This module is that thin framework: a small Flask app with
the platform's endpoints, started in a thread by :func:`running_platform`. Everything that
decides what is signed and checked is the library's code, not ours.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
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
        if spec.get("deep_linking"):
            launch.set_dl(platform.url + "/deep-link-return", title="Pick content")
        return launch.lti_launch()

    @app.post("/deep-link-return")
    def deep_link_return() -> Any:
        config = _Config(platform=platform)
        config.get_registration()
        items = config.validate_deeplinking_resp({"JWT": request.form["JWT"]})
        platform.deep_link_items.append(items)
        return json.dumps(items)

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
