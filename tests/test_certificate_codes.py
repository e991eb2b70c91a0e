"""Certificate codes: pure functions, no app."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from lms.certificates.codes import ALPHABET, LENGTH, format_code, new_code, normalise_code

raw_codes = st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH)


def test_new_codes_are_grouped_and_unambiguous() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}",
                            code)
        assert not set(code) & set("ILOU")


@given(raw_codes)
def test_normalise_of_format_round_trips(raw: str) -> None:
    assert normalise_code(format_code(raw)) == format_code(raw)


@given(raw_codes, st.sampled_from(["", " ", "-", "  ", " - "]))
def test_case_and_separators_do_not_matter(raw: str, separator: str) -> None:
    typed = separator.join(raw.lower()[i:i + 3] for i in range(0, LENGTH, 3))
    assert normalise_code(f" {typed} ") == format_code(raw)


def test_lookalikes_are_read_as_digits() -> None:
    assert normalise_code("k7qm-3xf9-t2hd") == "K7QM-3XF9-T2HD"
    assert normalise_code("OOOO IIII LLLL") == "0000-1111-1111"
    assert normalise_code("o0o0-i1l1-2345") == "0000-1111-2345"


def test_malformed_codes_are_none() -> None:
    for text in ["", "   ", "K7QM-3XF9", "K7QM-3XF9-T2HD-1", "K7QM-3XF9-T2HU", "K7QM/3XF9/T2HD",
                 "<script>", "x" * 5000, "K7QM-3XF9-T2H\u00e9"]:
        assert normalise_code(text) is None, text


@given(st.text(max_size=80))
def test_any_text_normalises_to_a_code_or_none(text: str) -> None:
    result = normalise_code(text)
    assert result is None or normalise_code(result) == result
