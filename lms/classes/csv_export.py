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
* **CRLF line endings and RFC 4180 quoting** (``csv.QUOTE_MINIMAL``: fields with a comma, a
  quote or a line break are quoted and inner quotes doubled).
* **Formula injection is neutralised.** A student chooses their display name; a cell starting
  with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which Excel also strips before
  evaluating) is prefixed with ``'`` so the spreadsheet shows it as text instead of running it.
* Dates are ISO ``YYYY-MM-DD`` in the school's time zone, which both programs recognise.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext

from lms.classes.codes import ascii_fold
from lms.classes.dashboard import ModuleMatrix

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, with a leading ``'`` when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """Rows to CSV text: BOM, comma, CRLF, minimal RFC 4180 quoting, injection-safe cells."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


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
                    "" if cell.best_score is None else round(cell.best_score),
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
