"""The one scrolling-table wrapper (templates/lms/_tables.html) keeps the accessible markup the
pages had: a focusable region named by the table's caption."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _render(app: Flask, source: str, **context: object) -> str:
    with app.test_request_context():
        return " ".join(app.jinja_env.from_string(
            '{% from "lms/_tables.html" import scrolling_table %}' + source
        ).render(**context).split())


def test_the_wrapper_is_a_named_focusable_region(app: Flask) -> None:
    page = _render(app, '{% call scrolling_table("import", caption, table_class="matrix", '
                        'scroll_class="wide") %}<tbody><tr><td>1</td></tr></tbody>{% endcall %}',
                   caption="Rows & <columns>")
    assert page == (
        '<div class="table-scroll wide" role="region" aria-labelledby="import-caption" '
        'tabindex="0"> <table class="data matrix"> <caption id="import-caption">Rows &amp; '
        '&lt;columns&gt;</caption> <tbody><tr><td>1</td></tr></tbody> </table> </div>')
    plain = _render(app, '{% call scrolling_table("x", "X") %}{% endcall %}')
    assert plain.startswith('<div class="table-scroll" role="region" aria-labelledby="x-caption"'
                            ' tabindex="0"> <table class="data"> <caption id="x-caption">X')


def test_no_template_writes_the_wrapper_by_hand() -> None:
    by_hand = [path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")
               if path.name != "_tables.html"
               and re.search(r'class="table-scroll', path.read_text(encoding="utf-8"))]
    assert by_hand == []
