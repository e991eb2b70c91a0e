"""Numbers as learners and trainers write them, read by the page language (no app needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.questions.numbers import AmbiguousNumber, NotANumber, read_number, signs_for

EN, IT, AR = signs_for("en"), signs_for("it"), signs_for("ar")


@pytest.mark.parametrize(("text", "signs", "expected"), [
    ("20,000", EN, 20000), ("20.000", IT, 20000),
    ("1.102,50", EN, 1102.5), ("1.102,50", IT, 1102.5), ("1,102.50", IT, 1102.5),
    ("1,102.50", EN, 1102.5), ("1,951", EN, 1951), ("1.951", IT, 1951),
    ("1,80", EN, 1.8), ("1.80", IT, 1.8), ("1,8", IT, 1.8), ("0,500", EN, 0.5),
    ("0.125", IT, 0.125), (".5", EN, 0.5), (",5", IT, 0.5), ("5.", EN, 5.0),
    ("1234.567", IT, 1234.567), ("1 000 000", EN, 1e6), ("1\u00a0000,5", IT, 1000.5),
    ("1\u202f000", IT, 1000), ("1'000", EN, 1000), ("1.000.000", IT, 1e6),
    ("1,000,000", EN, 1e6), ("1.000.000,25", EN, 1000000.25), ("+3", EN, 3),
    ("-3,5", IT, -3.5), ("\u22123.5", EN, -3.5), ("  42  ", AR, 42),
    ("٣٫٥", AR, 3.5), ("٣٫٥", EN, 3.5), ("٢٠٬٠٠٠", AR, 20000), ("۱۲", AR, 12),
    ("20,000", AR, 20000), ("１２", EN, 12), ("2240", IT, 2240),
    ("2.000 €", IT, 2000), ("€ 2,000", EN, 2000), ("$1,102.50", EN, 1102.5), ("55 %", IT, 55),
    ("55%", EN, 55),
])
def test_numbers_are_read_as_written(text: str, signs: object, expected: float) -> None:
    assert read_number(text, signs) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "signs", "plain", "longer"), [
    ("20.000", EN, "20000", "20"), ("3.142", EN, "3142", "3.1420"),
    ("20,000", IT, "20000", "20"), ("1,950", IT, "1950", "1,95"),
    ("1,200", None, "1200", "1,2"), ("1.200", None, "1200", "1.2"),
])
def test_a_separator_before_three_digits_is_asked_about(text: str, signs: object, plain: str,
                                                         longer: str) -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        read_number(text, *([signs] if signs else []))
    assert (caught.value.plain, caught.value.longer) == (plain, longer)
    assert caught.value.grouped == float(plain)


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "1e3", "1.5e3", "12abc", "1,,5", "1..5", ",1,000", "1,000,", "1,0000,000",
    "1.2.3,4,5", "1,000.5.5", "12,34,567", "1 23", "--5", "+-5", "inf", "nan", "½", "1/2",
    "\u202e5", "€", "%",
])
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(NotANumber):
        read_number(text, EN)


def test_a_trainer_answer_reads_without_a_language() -> None:
    assert read_number("1102.50") == 1102.5
    assert read_number("20000") == 20000
    assert read_number("1.80") == 1.8
    with pytest.raises(AmbiguousNumber):
        read_number("1,200")


@given(st.integers(min_value=-10**9, max_value=10**9),
       st.sampled_from(["en", "it", "ar", "pt", "es", "fr"]))
def test_a_number_written_the_page_way_reads_back(number: int, language: str) -> None:
    from babel.numbers import format_decimal

    for value in (number, number / 100):
        written = format_decimal(value, format="#,##0.00", locale=language)
        assert read_number(written, signs_for(language)) == pytest.approx(value)
