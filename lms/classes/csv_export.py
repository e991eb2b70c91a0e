"""Class progress as CSV that opens correctly in Excel and LibreOffice Calc.

Choices, and why:

* **UTF-8 with a byte-order mark.** Excel reads a CSV without BOM in the legacy code page
  (Windows-1252 in Italy), which garbles "Niccolò" or "Zoë"; with the BOM it reads UTF-8.
  LibreOffice detects the BOM too.
* **The separators of the teacher's language.** Excel opened by double-click splits on the
  list separator of the computer's regional settings, which follows the decimal mark: where
  the decimal mark is a comma (Italian, Portuguese, Spanish, French) the list separator is
  ``;``. So the file follows the language the teacher reads the site in: ``;`` and a decimal
  comma there, ``,`` and a decimal point elsewhere (:func:`dialect_for`). We add no ``sep=``
  line: it makes Excel ignore the BOM and garble accents. For a file that opens the same
  everywhere there is the spreadsheet (:mod:`lms.classes.spreadsheet`).
* **CRLF line endings and RFC 4180 quoting**: fields with a comma, a semicolon, a tab, a
  quote or a line break are quoted and inner quotes doubled, whichever the separator.
* **Formula injection is neutralised.** A student chooses their display name; a cell starting
  with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which Excel also strips before
  evaluating) is prefixed with ``'`` so the spreadsheet shows it as text instead of running it.
  The same mark goes after every ``,`` ``;`` tab or line break *inside* a cell that is followed
  by one of them: a spreadsheet splitting the file on the other separator ignores our quoting,
  so ``x;=2+3;`` would otherwise give it a cell ``=2+3``.
* Dates are ISO ``YYYY-MM-DD`` in the school's time zone, which both programs recognise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.core import UnknownLocaleError
from babel.numbers import get_decimal_symbol
from flask_babel import gettext

from lms.classes.codes import ascii_fold
from lms.classes.exports import ClassProgress
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


@dataclass(frozen=True)
class Dialect:
    """The list separator and decimal mark a spreadsheet in one language expects."""

    delimiter: str = ","
    decimal: str = "."


COMMA = Dialect()
SEMICOLON = Dialect(";", ",")


def dialect_for(language: str) -> Dialect:
    """``;`` and a decimal comma where the language writes decimals with a comma."""
    try:
        decimal = get_decimal_symbol(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return COMMA
    return SEMICOLON if decimal == "," else COMMA


def _field(value: object, dialect: Dialect) -> str:
    if isinstance(value, float):  # a number we wrote: a decimal comma is no separator here
        return str(round(value, 2)).replace(".", dialect.decimal)
    return _quoted(safe_cell(value))


def write_csv(rows: Iterable[Sequence[object]], dialect: Dialect = COMMA) -> str:
    """Rows to CSV text: BOM, the dialect's separator, CRLF, RFC 4180 quoting (also of the
    other separators and tabs), injection-safe cells, decimals with the dialect's mark."""
    return BOM + "".join(
        dialect.delimiter.join(_field(value, dialect) for value in row) + "\r\n"
        for row in rows)


def _day(value: datetime | None, timezone: str) -> str:
    return value.astimezone(ZoneInfo(timezone)).date().isoformat() if value else ""


def progress_rows(progress: ClassProgress, *, timezone: str) -> list[list[object]]:
    """One row per student × module, for every course of the class."""
    header: list[object] = [
        gettext("Student"), gettext("Username"), gettext("Course"), gettext("Module"),
        gettext("Completion %"), gettext("Best quiz score %"), gettext("Completed on"),
        gettext("Due date"), gettext("Overdue"), gettext("Last active"),
    ]
    rows = [header]
    for matrix in progress.matrices:
        for row in matrix.rows:
            last_active = _day(progress.last_active_in(row.user.id, matrix.course.course.id),
                               timezone)
            for column, cell in zip(matrix.columns, row.cells, strict=True):
                rows.append([
                    row.user.display_name, row.user.username, matrix.course.title,
                    column.info.title, cell.percent,
                    "" if cell.best_score is None else shown_percent(cell.best_score),
                    _day(cell.completed_at, timezone), _day(cell.due_at, timezone),
                    gettext("yes") if cell.overdue else gettext("no"), last_active,
                ])
    return rows


def progress_csv(progress: ClassProgress, *, timezone: str, language: str) -> bytes:
    return write_csv(progress_rows(progress, timezone=timezone),
                     dialect_for(language)).encode("utf-8")


def filename(class_name: str, now: datetime, extension: str = "csv") -> str:
    """An ASCII file name (header-safe): ``progress-3b-2026-11-25.csv``."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(class_name).lower()).strip("-")[:40] or "class"
    return f"progress-{slug}-{now.date().isoformat()}.{extension}"
