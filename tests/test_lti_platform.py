"""The test platform (tests/lti_platform.py, on lti1p3platform) works over HTTP on its own:
what lms.lti's tests rely on it to do."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import jwt
import requests

from tests.lti_platform import running_platform


def test_the_platform_starts_an_oidc_login_and_signs_an_id_token_with_iat_exp_nonce() -> None:
    with running_platform() as platform:
        platform.tool_login_url = "https://tool.example/lti/login"
        platform.tool_launch_url = "https://tool.example/lti/launch"
        start = requests.get(platform.url + "/start", allow_redirects=False, timeout=10)
        assert start.status_code == 302
        login = urlsplit(start.headers["Location"])
        params = {k: v[0] for k, v in parse_qs(login.query).items()}
        assert f"{login.scheme}://{login.netloc}{login.path}" == platform.tool_login_url
        assert params["iss"] == platform.issuer and params["client_id"] == "lms-tool"
        assert params["target_link_uri"] == platform.tool_launch_url

        form = requests.get(platform.url + "/authorize", params={
            "nonce": "n-1", "state": "s-1", "redirect_uri": platform.tool_launch_url,
            "client_id": "lms-tool", "login_hint": params["login_hint"]}, timeout=10).text
        id_token = re.search(r'name="id_token" value="([^"]+)"', form).group(1)
        keys = requests.get(platform.url + "/jwks", timeout=10).json()["keys"]
        public = jwt.PyJWK(keys[0]).key
        claims = jwt.decode(id_token, public, algorithms=["RS256"], audience="lms-tool")
        assert claims["nonce"] == "n-1" and claims["iss"] == platform.issuer
        assert claims["exp"] > claims["iat"]
        assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "deployment-1"
        assert 'value="s-1"' in form
