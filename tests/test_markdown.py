"""Tests for lms.markdown: GitHub-like rendering, sanitising and URL rewriting."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.markdown import is_relative_url, render_inline, render_markdown


def test_list_straight_after_paragraph() -> None:
    html = render_markdown("Some text:\n- one\n- two")
    assert html == "<p>Some text:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"


def test_ordered_list_after_paragraph_only_from_one() -> None:
    assert "<ol>" in render_markdown("Steps:\n1. first\n2. second")
    # "10." inside a paragraph is text, as on GitHub.
    assert "<ol>" not in render_markdown("In the year\n10. something")


def test_list_nested_with_two_spaces() -> None:
    html = render_markdown("- a\n  - b\n    - c\n- d")
    assert html == (
        "<ul>\n<li>a<ul>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>d</li>\n</ul>"
    )


def test_list_nested_with_four_spaces() -> None:
    html = render_markdown("- a\n    - b\n- c")
    assert html == "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>"


def test_ordered_list_with_nested_bullets() -> None:
    html = render_markdown("1. one\n   - sub\n2. two")
    assert "<ol>\n<li>one<ul>\n<li>sub</li>" in html


def test_loose_list_item_paragraphs() -> None:
    html = render_markdown("- item\n\n  more about it\n\n- next")
    assert "<p>more about it</p>" in html
    assert html.count("<li>") == 2


def test_table_keeps_alignment() -> None:
    html = render_markdown("| a | b |\n|:-:|---|\n| 1 | 2 |")
    assert '<th class="align-center">a</th>' in html
    assert "<td>2</td>" in html


def test_footnotes_keep_ids_and_classes() -> None:
    html = render_markdown("Text[^1]\n\n[^1]: The note.")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<li id="fn:1">' in html
    assert '<div class="footnote">' in html


def test_admonition() -> None:
    html = render_markdown('!!! note "Did you know?"\n    Inside the box.\n    - x\n      - y')
    assert html.startswith('<div class="admonition note">\n<p class="admonition-title">')
    assert "<li>x<ul>\n<li>y</li>" in html


def test_fenced_code_strike_and_tasks() -> None:
    html = render_markdown("```python\nprint(1)\n```\n\n~~old~~\n\n- [x] done\n- [ ] todo")
    assert '<div class="highlight"><pre>' in html
    assert "<del>old</del>" in html
    assert '<input type="checkbox" checked="" disabled="disabled"> done' in html
    assert '<input type="checkbox" disabled="disabled"> todo' in html


def test_headings_are_not_shifted() -> None:
    assert render_markdown("## Sources") == "<h2>Sources</h2>"


def test_scripts_handlers_and_javascript_urls_removed() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x.png onerror=alert(1) alt=a>\n\n"
        "[bad](javascript:alert(1)) <a href='JaVaScRiPt:alert(1)' onclick='x()'>b</a>"
    )
    assert "<script" not in html and "alert(1)</" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript" not in html.lower()


def test_raw_input_is_forced_to_disabled_checkbox() -> None:
    html = render_markdown('<input type="text" name="x" value="y">')
    assert html == '<p><input disabled="disabled"></p>'


def test_relative_urls_use_media_prefix_then_link_map() -> None:
    def link_map(url: str) -> str | None:
        return "../other/" if url == "02-other.md" else None

    html = render_markdown(
        "![A chain](chain.svg) [next](02-other.md) [abs](/x) [ext](https://e.org) [top](#t)",
        media_prefix="../../media/01-m/",
        link_map=link_map,
    )
    assert ('<img alt="A chain" src="../../media/01-m/chain.svg" loading="lazy" '
            'decoding="async">') in html
    assert '<a href="../other/" rel="noopener noreferrer">next</a>' in html
    assert 'href="/x"' in html and 'href="https://e.org"' in html and 'href="#t"' in html


def test_is_relative_url() -> None:
    assert is_relative_url("a.png") and is_relative_url("../x.md")
    assert not any(map(is_relative_url, ["", "/a", "#a", "?a", "http://x", "mailto:a@b"]))


def test_render_inline_has_no_paragraph() -> None:
    assert render_inline("Who **decides**?") == "Who <strong>decides</strong>?"
    assert render_inline("<b onclick=x>hi</b>") == "<b>hi</b>"


class _TagCollector(HTMLParser):
    """Collects every (tag, attribute, value) seen, to look for dangerous ones."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


_NASTY = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "<iframe src=x>",
    '" onmouseover="x',
    "{: onclick=alert(1) }",
    "\n",
    "\n\n",
    "- ",
    "  ",
    "```",
    "!!! note\n    ",
    "<",
    ">",
    "=",
    "'",
    '"',
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_NASTY) | st.text(max_size=20), max_size=25).map("".join))
def test_render_never_outputs_scripts_or_handlers(text: str) -> None:
    for html in (render_markdown(text, media_prefix="m/"), render_inline(text)):
        assert "<script" not in html.lower()
        collector = _TagCollector()
        collector.feed(html)
        assert not {"script", "iframe", "svg", "style"} & set(collector.tags)
        for name, value in collector.attributes:
            assert not name.startswith("on"), html
            assert not (value or "").strip().lower().startswith("javascript:"), html
