"""Security headers on every response the standalone site sends (error pages and static
files included), only on the LMS's own responses when mounted in a host; no inline styles."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

from lms import LMS
from lms.markdown import render_markdown
from tests.conftest import IsolatedClient


def assert_secured(response: Response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "style-src 'self'" in csp, csp
    assert "'unsafe-inline'" not in csp, csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"


def test_pages_allow_no_inline_style(client: FlaskClient) -> None:
    assert_secured(client.get("/courses/"))


def test_unknown_path_404_is_secured(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "We could not find" in response.text
    assert_secured(response)


def test_refused_method_405_is_secured(client: FlaskClient) -> None:
    response = client.get("/account/logout")
    assert response.status_code == 405
    assert_secured(response)


def test_static_files_are_secured(client: FlaskClient) -> None:
    for path in ("/static/lms/style.css", "/static/lms/authoring.js", "/favicon.ico"):
        with client.get(path) as response:
            assert response.status_code in (200, 301), path
            assert_secured(response)


def test_too_large_413_is_secured(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/account/login", data={"login": "x" * 200, "password": "y"})
    assert response.status_code == 413
    assert_secured(response)


def test_server_error_500_is_secured(app: Flask, client: FlaskClient,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setitem(app.view_functions, "lms.courses.catalogue", broken)
    response = client.get("/courses/")
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert_secured(response)


def test_mounted_lms_leaves_the_host_pages_alone(tmp_path: Path) -> None:
    host = Flask("host", instance_path=str(tmp_path / "instance"))

    @host.get("/")
    def host_home() -> str:
        return "the host's own home page"

    LMS().init_app(host, url_prefix="/learn", config={
        "SECRET_KEY": "host-secret",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "host.sqlite3"),
    })
    host.test_client_class = IsolatedClient
    client = host.test_client()
    own = client.get("/")
    assert own.text == "the host's own home page"
    assert "Content-Security-Policy" not in own.headers
    assert "Content-Security-Policy" not in client.get("/missing").headers
    with client.get("/learn/static/lms/style.css") as static:
        assert static.status_code == 200
        assert_secured(static)


def test_markdown_tables_align_with_classes_not_styles() -> None:
    html = render_markdown("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n\n"
                           '<p style="color: red">x</p><table><tr>'
                           '<td style="text-align: right" class="evil">y</td></tr></table>')
    assert "style=" not in html
    assert '<th class="align-start">a</th>' in html
    assert '<td class="align-center">2</td>' in html and '<td class="align-end">3</td>' in html
    assert "<td>4</td>" in html and "evil" not in html


def test_templates_have_no_inline_styles() -> None:
    """The browser would refuse them; the certificate is drawn by WeasyPrint, not a browser."""
    root = Path(__file__).parent.parent / "templates"
    found = [str(path.relative_to(root)) for path in root.rglob("*.html")
             if path.name != "certificate.html"
             and ("style=" in path.read_text() or "<style" in path.read_text())]
    assert not found


def _sha(text: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_course_images_get_no_unsafe_inline(client: FlaskClient, synced: None) -> None:
    with client.get("/courses/sample-course/media/01-basics/chain.svg") as image:
        assert image.status_code == 200
        assert image.headers["Content-Security-Policy"] == "default-src 'none'"


def test_svg_styles_are_allowed_by_their_hashes(tmp_path: Path) -> None:
    """Opened on its own, an SVG keeps its own styles (checked in Chromium: a <style> with
    CDATA and a style attribute with a newline both match), and nothing else runs."""
    from lms.media_policy import MAX_STYLE_HASHES, media_policy

    (tmp_path / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><style><![CDATA[.b{fill:blue}]]></style>'
        '<rect style="fill:red;\n stroke:none"/><rect style="fill:red;\n stroke:none"/></svg>')
    policy = media_policy(tmp_path, "a.svg")
    assert policy == ("default-src 'none'; style-src 'unsafe-hashes' "
                      f"{_sha('.b{fill:blue}')} {_sha('fill:red;  stroke:none')}")
    assert media_policy(tmp_path, "missing.svg") == "default-src 'none'"
    assert media_policy(tmp_path, "a.png") == "default-src 'none'"
    (tmp_path / "bomb.svg").write_text('<!DOCTYPE svg [<!ENTITY a "b">]><svg style="x"/>')
    assert media_policy(tmp_path, "bomb.svg") == "default-src 'none'"
    many = "".join(f'<rect style="fill:#{n:06x}"/>' for n in range(MAX_STYLE_HASHES + 1))
    (tmp_path / "many.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><style>.b{{}}</style>{many}</svg>')
    assert media_policy(tmp_path, "many.svg") == f"default-src 'none'; style-src {_sha('.b{}')}"
