"""Class progress as CSV that opens correctly in Excel and LibreOffice Calc.

Choices, and why:

* **UTF-8 with a byte-order mark.** Excel reads a CSV without BOM in the legacy code page
  (Windows-1252 in Italy), which garbles "Niccolò" or "Zoë"; with the BOM it reads UTF-8.
  LibreOffice detects the BOM too.
* **Comma separator.** An Italian Excel expects ``;`` when a file is opened by double-click,
  but a comma is the RFC 4180 standard that LibreOffice, Google Sheets, Numbers and every
  script read. We add no ``sep=`` line: it makes Excel ignore the BOM and garble accents. In an
  Italian Excel, use Data › From Text/CSV (it detects the comma) — said on the dashboard.
  Numbers are written as plain integers so no decimal comma/point question arises.
* **CRLF line endings and RFC 4180 quoting**: fields with a comma, a semicolon, a tab, a
  quote or a line break are quoted and inner quotes doubled.
* **Formula injection is neutralised.** A student chooses their display name; a cell starting
  with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which Excel also strips before
  evaluating) is prefixed with ``'`` so the spreadsheet shows it as text instead of running it.
  The same mark goes after every ``,`` ``;`` tab or line break *inside* a cell that is followed
  by one of them: a spreadsheet splitting the file on ``;`` (an Italian Excel opened by
  double-click) ignores our comma quoting, so ``x;=2+3;`` would otherwise give it a cell
  ``=2+3``.
* Dates are ISO ``YYYY-MM-DD`` in the school's time zone, which both programs recognise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext

from lms.classes.codes import ascii_fold
from lms.classes.dashboard import ModuleMatrix
from lms.percent import shown_percent

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Where some spreadsheet starts a cell: the start, or after a separator of any reader, then
#: spaces or quotes it may skip, then a character that makes the cell a formula.
_CELL_START_RE = re.compile(r'(^|[,;\t\r\n])(?=[ "]*[=+\-@\t\r])')
_NEEDS_QUOTES_RE = re.compile(r'[,;\t\r\n"]')


def safe_cell(value: object) -> str:
    """The cell as text, with a ``'`` wherever a spreadsheet would start reading a formula."""
    text = "" if value is None else str(value)
    return _CELL_START_RE.sub(lambda match: match.group(1) + "'", text)


def _quoted(text: str) -> str:
    if _NEEDS_QUOTES_RE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """Rows to CSV text: BOM, comma, CRLF, RFC 4180 quoting (also of ``;`` and tabs),
    injection-safe cells."""
    return BOM + "".join(",".join(_quoted(safe_cell(value)) for value in row) + "\r\n"
                         for row in rows)


def _day(value: datetime | None, timezone: str) -> str:
    return value.astimezone(ZoneInfo(timezone)).date().isoformat() if value else ""


def progress_rows(matrices: Sequence[ModuleMatrix], *, timezone: str) -> list[list[object]]:
    """One row per student × module, for every course of the class."""
    header: list[object] = [
        gettext("Student"), gettext("Username"), gettext("Course"), gettext("Module"),
        gettext("Completion %"), gettext("Best quiz score %"), gettext("Completed on"),
        gettext("Due date"), gettext("Overdue"),
    ]
    rows = [header]
    for matrix in matrices:
        for row in matrix.rows:
            for column, cell in zip(matrix.columns, row.cells, strict=True):
                rows.append([
                    row.user.display_name, row.user.username, matrix.course.title,
                    column.info.title, cell.percent,
                    "" if cell.best_score is None else shown_percent(cell.best_score),
                    _day(cell.completed_at, timezone), _day(cell.due_at, timezone),
                    gettext("yes") if cell.overdue else gettext("no"),
                ])
    return rows


def progress_csv(matrices: Sequence[ModuleMatrix], *, timezone: str) -> bytes:
    return write_csv(progress_rows(matrices, timezone=timezone)).encode("utf-8")


def filename(class_name: str, now: datetime) -> str:
    """An ASCII file name (header-safe): ``progress-3b-2026-11-25.csv``."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(class_name).lower()).strip("-")[:40] or "class"
    return f"progress-{slug}-{now.date().isoformat()}.csv"
