"""The class CSV stays text in every spreadsheet, whichever separator it splits on.

LibreOffice and Google Sheets split on commas; an Italian Excel opened by double-click splits
the same file on semicolons, so ``Bob,"x;=2+3;"`` becomes the cells ``Bob,"x``, ``=2+3`` and
``"``: quoting alone does not help a cell that is not first on its line.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.classes.csv_export import BOM, safe_cell, write_csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NAMES = ["=2+3", "x;=2+3;", "@SUM(A1)", "+1", "-1", "\t=1", "\r=1", "a\t=1", 'a;"=1+1"',
         "a,=1", "x\n=1+1", "a; =1", "a;;@x", "x\r\n-1"]


def spreadsheet_cells(text: str, delimiter: str) -> list[str]:
    """Every cell a spreadsheet splitting on ``delimiter`` would see (any line break ends a row)."""
    text = text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    return [cell for row in reader for cell in row]


def dangerous(cell: str) -> bool:
    return cell.lstrip(' "').startswith(FORMULA_START)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_cell_becomes_a_formula(name: str, delimiter: str) -> None:
    text = write_csv([["Student", "Note"], ["Bob", name], [name, "x"]])
    cells = spreadsheet_cells(text, delimiter)
    assert not [cell for cell in cells if dangerous(cell)], cells


@pytest.mark.parametrize("name", NAMES)
def test_comma_readers_get_the_cell_back_with_its_mark(name: str) -> None:
    text = write_csv([["Bob", name, "x"]])
    expected = safe_cell(name).replace("\r\n", "\n").replace("\r", "\n")
    assert spreadsheet_cells(text, ",") == ["Bob", expected, "x"]


def test_cells_with_a_separator_are_quoted() -> None:
    text = write_csv([["Bob", "x;=2+3;", "a\tb", "plain", 7]])
    assert text == "\ufeffBob,\"x;'=2+3;\",\"a\tb\",plain,7\r\n"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("=2+3") == "'=2+3"


@given(st.lists(st.text(alphabet="=+-@;,\t\r\n\" 'ax1"), min_size=1, max_size=4))
def test_generated_cells_never_become_formulas(row: list[str]) -> None:
    text = write_csv([["Bob", *row], row])
    for delimiter in (",", ";", "\t"):
        cells = spreadsheet_cells(text, delimiter)
        assert not [cell for cell in cells if dangerous(cell)], (delimiter, cells)
