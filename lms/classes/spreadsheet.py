"""Class progress as an Excel workbook (.xlsx) that opens directly, in any language.

A CSV depends on the separators of the computer that opens it; a workbook does not: numbers,
percentages and dates are stored as values and shown in the reader's own format (the "0%"
format and Excel's built-in date format 14 follow the regional settings). One sheet per
course, one row per student: completion and best quiz score per module, when the student was
last active in the course and how many assigned modules are overdue.

Every text cell is written as a string (XlsxWriter's conversions of strings into formulas,
numbers or links are off), and a name that looks like a formula gets the same ``'`` mark as
in the CSV (:func:`lms.classes.csv_export.safe_cell`), so it stays text when the teacher edits
the cell or saves the sheet as CSV for another program.

XlsxWriter is imported when a workbook is written, not at start-up.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext

from lms.classes.csv_export import safe_cell
from lms.classes.dashboard import ModuleMatrix
from lms.classes.exports import ClassProgress
from lms.percent import shown_percent

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel refuses these in a sheet name, and names longer than 31 characters.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique (ignoring case) sheet name from a course title."""
    base = _SHEET_NAME_BAD.sub(" ", title).strip().strip("'").strip() or "Course"
    base = base[:SHEET_NAME_MAX].strip()
    name, number = base, 2
    while name.casefold() in taken or name.casefold() == "history":  # Excel reserves it
        suffix = f" ({number})"
        name = base[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(name.casefold())
    return name


def _day(value: datetime | None, timezone: str) -> Any:
    return value.astimezone(ZoneInfo(timezone)).date() if value else None


def progress_xlsx(progress: ClassProgress, *, timezone: str, right_to_left: bool = False
                  ) -> bytes:
    """The workbook's bytes: one sheet per course of the class."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    formats = {
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                       "bg_color": "#F3F5F7", "bottom": 1}),
        "text": workbook.add_format({"valign": "top"}),
        "percent": workbook.add_format({"num_format": "0%", "valign": "top"}),
        "day": workbook.add_format({"num_format": 14, "valign": "top"}),
        "number": workbook.add_format({"num_format": "0", "valign": "top"}),
    }
    taken: set[str] = set()
    for matrix in progress.matrices:
        sheet = workbook.add_worksheet(sheet_name(matrix.course.title, taken))
        _fill(sheet, matrix, progress, formats, timezone)
        if right_to_left:
            sheet.right_to_left()
    if not progress.matrices:  # a class with no course yet: a workbook needs one sheet
        sheet = workbook.add_worksheet(sheet_name(gettext("Progress"), taken))
        sheet.write_string(0, 0, gettext("Student"), formats["header"])
    workbook.close()
    return buffer.getvalue()


def header(matrix: ModuleMatrix) -> list[str]:
    titles = [gettext("Student"), gettext("Username")]
    for column in matrix.columns:
        titles += [gettext("%(module)s: completion", module=column.info.title),
                   gettext("%(module)s: best quiz score", module=column.info.title)]
    return titles + [gettext("Last active"), gettext("Overdue modules")]


def _fill(sheet: Any, matrix: ModuleMatrix, progress: ClassProgress,
          formats: dict[str, Any], timezone: str) -> None:
    titles = header(matrix)
    for col, title in enumerate(titles):
        sheet.write_string(0, col, safe_cell(title), formats["header"])
    for number, row in enumerate(matrix.rows, start=1):
        sheet.write_string(number, 0, safe_cell(row.user.display_name), formats["text"])
        sheet.write_string(number, 1, safe_cell(row.user.username), formats["text"])
        col = 2
        for cell in row.cells:
            sheet.write_number(number, col, cell.percent / 100, formats["percent"])
            if cell.best_score is not None:
                sheet.write_number(number, col + 1, shown_percent(cell.best_score) / 100,
                                   formats["percent"])
            col += 2
        last = _day(progress.last_active_in(row.user.id, matrix.course.course.id), timezone)
        if last is not None:
            sheet.write_datetime(number, col, last, formats["day"])
        sheet.write_number(number, col + 1, row.overdue_count, formats["number"])
    sheet.set_column(0, 1, 22)
    sheet.set_column(2, len(titles) - 1, 14)
    sheet.set_row(0, 48)  # room for module titles wrapped on up to three lines
    # The names stay in view while scrolling; sorting and filtering work at once.
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(matrix.rows), len(titles) - 1)
