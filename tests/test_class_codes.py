"""Join codes, passwords, usernames, name lists and CSV cells: pure functions, no app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.classes import codes
from lms.classes.csv_export import safe_cell, write_csv
from lms.classes.services import MAX_BATCH, parse_name_list
from lms.classes.student import classify


def test_join_codes_use_only_unambiguous_characters() -> None:
    for _ in range(200):
        code = codes.generate_join_code()
        assert len(code) == 6
        assert not set(code) & set("0O1IL")
    assert len(codes.generate_join_code(8)) == 8
    with pytest.raises(ValueError):
        codes.generate_join_code(5)


@pytest.mark.parametrize(("typed", "expected"), [
    ("K7MXQ2", "K7MXQ2"), (" k7m xq2 ", "K7MXQ2"), ("k7m-xq2", "K7MXQ2"),
    ("ｋ７ｍｘｑ２", "K7MXQ2"),  # full-width characters from a phone keyboard
    ("K7MX", None), ("K7MXQ2K7M", None), ("K0MXQ2", None), ("", None), (None, None),
    ("K7MXQ'; --", None),
])
def test_normalise_code(typed: str | None, expected: str | None) -> None:
    assert codes.normalise_code(typed) == expected


def test_format_code_groups_in_threes() -> None:
    assert codes.format_code("K7MXQ2") == "K7M XQ2"


def test_passwords_are_readable_and_random() -> None:
    seen = {codes.generate_password() for _ in range(100)}
    assert len(seen) == 100
    for password in seen:
        first, second = password.split("-")
        assert len(first) == len(second) == 5
        assert set(first + second) <= set(codes.PASSWORD_ALPHABET)


@pytest.mark.parametrize(("name", "base"), [
    ("Amina Khalil", "amina.k"), ("Zoë Müller-Ferreira", "zoe.f"), ("Łukasz", "lukasz"),
    ("Jean  Luc Picard", "jean.p"), ("Li", "li"), ("O'Brien Seán", "o.s"),
    # Any script is transliterated (anyascii), Arabic with its long vowels read.
    ("إلياس", "ilyas"), ("أمينة", "amyna"), ("فاطمة الزهراء", "fatma.a"),
    ("王小明", "wangxiaoming"), ("Дмитрий Иванов", "dmitriy.i"), ("Αλέξανδρος", "alexandros"),
    # Markup is never a part of a username; symbols alone are no name.
    ("<b>Luca</b>", "luca"), ("Tom &amp; Jerry", "tom.j"), ("😀", "learner"), ("★★★", "learner"),
])
def test_username_base(name: str, base: str) -> None:
    assert codes.username_base(name) == base


def test_assign_usernames_is_unique_against_database_and_batch() -> None:
    names = ["Amina Khalil", "Amina Kante", "Li", "Li Wei", "😀", "🙂", "سارة", "سارة"]
    result = codes.assign_usernames(names, taken=["amina.k", "learner"])
    assert result == ["amina.k2", "amina.k3", "li1", "li.w", "learner2", "learner3", "sara",
                      "sara2"]
    assert len(set(result)) == len(result)


def test_parse_name_list_accepts_a_clean_list_and_skips_blank_lines() -> None:
    names, problems = parse_name_list("Amina K\n\n  Marco   Rossi \r\nZoë\n")
    assert names == ["Amina K", "Marco Rossi", "Zoë"] and problems == []


def test_parse_name_list_reports_duplicates_empty_long_and_too_many() -> None:
    _, problems = parse_name_list("Amina\namina \n---\n\u200b\u200b\n" + "x" * 121)
    assert [(p.reason, p.line) for p in problems] == [
        ("duplicate", 2), ("no_letters", 3), ("no_letters", 4), ("too_long", 5)]
    assert [p.reason for p in parse_name_list("   \n\n")[1]] == ["empty"]
    too_many = "\n".join(f"Student {i}" for i in range(MAX_BATCH + 1))
    assert [p.reason for p in parse_name_list(too_many)[1]] == ["too_many"]


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("Amina", "Amina"), (None, ""), (42, "42"),
    ("\t=1", "'\t'=1"),  # a reader splitting on tabs starts a cell at the "="
])
def test_csv_cells_cannot_become_formulas(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_csv_is_bom_utf8_comma_crlf_and_rfc4180_quoted() -> None:
    text = write_csv([["Nome", "Note"], ["Niccolò, jr", 'dice "ciao"'], ["a\nb", "=1"]])
    assert text.startswith("\ufeffNome,Note\r\n")
    assert '"Niccolò, jr","dice ""ciao"""\r\n' in text
    assert text.endswith("\"a\nb\",'=1\r\n")


def test_classify_assignment_status() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert classify(True, now - timedelta(days=1), now) == "done"
    assert classify(False, now - timedelta(minutes=1), now) == "overdue"
    assert classify(False, now + timedelta(days=7), now) == "due_soon"
    assert classify(False, now + timedelta(days=7, minutes=1), now) == "todo"
    assert classify(False, None, now) == "todo"
