"""Property tests: whatever goes in (markdown, names, form fields), no page ever carries
script execution or unsanitised HTML, and no request ever gets a 500.

"Script execution" is checked on the parsed HTML, not by searching strings (a lesson may
well *talk about* ``<script>`` in a code block, escaped): no inline ``<script>`` (only our
own static files), no ``on…=`` event attribute, no ``javascript:``/``vbscript:``/
``data:text/html`` URL in any URL attribute, no ``<iframe>``/``<object>``/``<embed>``/
``<base>``/``<form>`` from content, no ``<style>`` element.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_world import build_world, clear_database, login_client

from lms.markdown import render_inline, render_markdown

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster",
                  "background", "data", "cite", "ping"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet",
                  "style", "meta", "link"}
# How browsers read a URL (WHATWG URL parser): C0 controls and spaces trimmed at both ends,
# tabs and newlines removed anywhere; then the scheme is compared case-insensitively.
_EDGES = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")

PAYLOADS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))", "![x](javascript:alert(1))", "<iframe src=//e.example>",
    "<a href='vbscript:msgbox(1)'>v</a>", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<style>body{background:url(javascript:x)}</style>", "<details open ontoggle=alert(1)>",
    "\"><script>alert(1)</script>", "' onmouseover='alert(1)", "<form action=//e.example>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "{: onclick=\"alert(1)\" }",
    "<div style=\"background:url(javascript:alert(1))\">s</div>", "<base href=//e.example/>",
    "```html\n<script>alert('in code')</script>\n```", "<object data=javascript:x>",
    "[link]: javascript:alert(1)\n\n[a][link]", "<<script>script>alert(1)<</script>/script>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | c |", "- [x] <b onclick=x>t</b>",
    "<table><td background=javascript:x>", "<a href=\"\x01javascript:alert(1)\">x</a>",
    "!!! note \"<img src=x onerror=alert(1)>\"\n    body", "<meta http-equiv=refresh content=0>",
]

fragments = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=40),
                      st.sampled_from(["\n", "\n\n", "# ", "> ", "- ", "1. ", "    ", "`", "*",
                                       "[", "](", ")", "<", ">", "\"", "'", "&", "{:", "}"]))
markdown_texts = st.lists(fragments, max_size=12).map("".join)
#: Names and single-line form values: payloads, arbitrary text, odd Unicode.
names = st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=60),
                  st.lists(st.sampled_from(PAYLOADS + ["Zoë", "محمد", "\u202e", "&amp;"]),
                           min_size=1, max_size=3).map(" ".join))


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "script":
            src = values.get("src", "")
            if not src.startswith("/static/"):
                self.problems.append(f"<script> not from our static files: {attrs}")
            self._in_script = True
        if tag in FORBIDDEN_TAGS and not (tag == "link" and values.get("rel") in {
                "stylesheet", "icon", "preload"} and values.get("href", "").startswith(
                    "/static/")) and not (tag == "meta" and "http-equiv" not in values):
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event attribute {name}= on <{tag}>")
            if name in URL_ATTRIBUTES or name == "style":
                compact = _TAB_OR_NEWLINE.sub("", value.strip(_EDGES)).lower()
                for bad in ("javascript:", "vbscript:", "data:text/html"):
                    if (compact.startswith(bad) if name != "style" else bad in compact):
                        self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")


def unsafe(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def assert_safe_page(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.mimetype == "text/html":
        problems = unsafe(response.get_data(as_text=True))
        assert not problems, f"{what}: {problems}"


def test_the_checker_catches_what_it_should() -> None:
    assert unsafe("<p onclick='x'>") and unsafe("<a href=' JaVa\tscript:x'>")
    assert unsafe("<script>alert(1)</script>") and unsafe("<iframe src=x>")
    assert unsafe("<a href='&#106;avascript:x'>")
    assert not unsafe("<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>")
    assert not unsafe('<script src="/static/lms/authoring.js" defer></script>')


@given(markdown_texts)
@settings(max_examples=400, deadline=None)
def test_rendered_markdown_is_safe(text: str) -> None:
    html = render_markdown(text, media_prefix="/courses/x/media/")
    assert not unsafe(html), (text, html)
    assert not unsafe(render_inline(text))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_known_payload_is_neutralised(payload: str) -> None:
    for text in (payload, f"Before {payload} after", f"- {payload}", f"> {payload}"):
        assert not unsafe(render_markdown(text)), text


# -- a synced course whose texts are generated ---------------------------------------------

SAMPLE = Path(__file__).parent / "data" / "packages" / "good" / "sample-course"


def write_course(root: Path, title: str, body: str) -> None:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(SAMPLE, root)
    lesson = root / "01-basics" / "01-first-lesson.md"
    lesson.write_text(f"---\ntitle: {json.dumps(title or 'x')}\n---\n{body}\n",
                      encoding="utf-8")
    (root / "01-basics" / "01-first-lesson.it.md").unlink()
    course = (root / "course.md").read_text(encoding="utf-8")
    (root / "course.md").write_text(course.replace("This course has two modules.",
                                                   body.replace("---", "- - -")),
                                    encoding="utf-8")


def test_generated_course_pages_are_safe(app: Flask, tmp_path: Path) -> None:
    from lms.courses.sync import load_packages, sync_courses
    from lms.db import utcnow

    state = app.extensions["lms"]
    client = app.test_client()

    @given(title=names, body=markdown_texts)
    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    def check(title: str, body: str) -> None:
        root = tmp_path / "packages" / "sample-course"
        write_course(root, title, body)
        specs, problems = load_packages([root.parent], question_types=state.question_types)
        if [p for p in problems if p.is_error]:
            return  # refused by the package checks: nothing reaches a page
        sync_courses(specs, now=utcnow())
        for url in ("/courses/", "/courses/sample-course/",
                    "/courses/sample-course/basics/first-lesson/",
                    "/courses/sample-course/basics/check/"):
            with client.get(url) as response:
                assert_safe_page(response, f"{url} with {title!r} / {body!r}")

    check()


# -- names and form inputs -------------------------------------------------------------------


def test_display_names_are_safe_everywhere(app: Flask) -> None:
    world = build_world(app)
    teacher = login_client(app, "teacher")
    admin = login_client(app, "admin")
    counter = iter(range(10_000))

    @given(name=names, class_name=names)
    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    def check(name: str, class_name: str) -> None:
        learner = app.test_client()
        username = f"learner{next(counter)}"
        signup = learner.post("/account/signup", data={
            "display_name": name, "username": username, "password": "password123",
            "confirm": "password123", "email": "", "birth_year": "2000"})
        assert_safe_page(signup, f"signup {name!r}")
        if signup.status_code != 302:
            return  # refused (e.g. a blank name): the form said why
        assert_safe_page(learner.post("/account/", data={"display_name": name,
                                                         "language": ""}), "account")
        assert_safe_page(learner.post("/certificates/", data={"printed_name": name,
                                                              "language": ""}), "certs")
        learner.post(f"/join/{world.join_code}", data={"code": world.join_code})
        created = teacher.post("/teach/classes/new", data={"name": class_name, "course": ""})
        assert_safe_page(created, f"new class {class_name!r}")
        teacher.post(f"/teach/classes/{world.class_id}/accounts", data={"names": name})
        pages = {
            learner: ["/account/", "/courses/", "/certificates/", "/join",
                      f"/join/{world.join_code}", "/courses/sample-course/"],
            teacher: ["/teach/classes/", f"/teach/classes/{world.class_id}/",
                      f"/teach/classes/{world.class_id}/students/",
                      f"/teach/classes/{world.class_id}/modules/{world.module_id}/",
                      f"/teach/classes/{world.class_id}/export.csv", "/teach/accounts/"],
            admin: [f"/admin/users/?q={username}", f"/verify/{world.certificate_code}"],
        }
        for client, urls in pages.items():
            for url in urls:
                with client.get(url) as response:
                    assert_safe_page(response, f"{url} with {name!r}")

    check()
    clear_database()


FORMS = [
    ("/account/login", ["login", "password", "next"]),
    ("/account/signup", ["display_name", "username", "email", "password", "confirm",
                         "birth_year"]),
    ("/account/reset", ["email"]),
    ("/join", ["code"]),
    ("/teach/classes/new", ["name", "course"]),
    ("/language", ["language", "next"]),
]


def test_form_inputs_never_break_a_page(app: Flask) -> None:
    world = build_world(app)
    teacher = login_client(app, "teacher")

    @given(values=st.lists(names, min_size=6, max_size=6), query=names)
    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    def check(values: list[str], query: str) -> None:
        for url, fields in FORMS:
            data = dict(zip(fields, values, strict=False))
            with teacher.post(url, data=data) as response:
                assert_safe_page(response, f"POST {url} {data!r}")
        for url in ("/verify/", "/admin/users/"):
            with teacher.get(url, query_string={"code": query, "q": query}) as response:
                assert_safe_page(response, f"GET {url}?{query!r}")
        with teacher.get(f"/verify/{query[:64]}".replace("?", "%3F").replace("#", "%23")
                         ) as response:
            assert_safe_page(response, f"verify {query!r}")
        with teacher.post(f"/teach/classes/{world.class_id}/assign",
                          data={"target": query, "due": query}) as response:
            assert_safe_page(response, f"assign {query!r}")

    check()


def test_nul_bytes_are_refused_not_a_database_error(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/account/login", data={"login": "\x00", "password": "x"}
                       ).status_code == 400
    assert client.get("/verify/", query_string={"code": "a\x00b"}).status_code == 400
    assert client.post("/account/signup", data={"display_name\x00": "x"}).status_code == 400
