"""Reading a CSV of teachers and trainers, and what is wrong with each line. Pure: no app,
no database (the service passes in the usernames and addresses already taken).

The file is what a spreadsheet saves: a header row naming the columns (``username``,
``display name``, ``email``, ``role``; username and email may be left out or empty), comma-
or semicolon-separated (an Italian Excel uses ``;``), UTF-8 with or without a BOM, or
Windows-1252 when Excel saved plain "CSV". Every problem is reported with its line, so the
admin fixes the file once; the service writes nothing while any problem is left.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from lms.auth.forms import USERNAME_PATTERN
from lms.classes.codes import assign_usernames, username_base
from lms.names import clean_name

MAX_ROWS = 100
MAX_BYTES = 256 * 1024
MAX_NAME = 120  # User.display_name
ROLES = ("teacher", "trainer")
#: A cell a spreadsheet would run as a formula when the data goes back into one: refused, so
#: ``=HYPERLINK(...)`` is never stored as a name or an address.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_USERNAME = re.compile(USERNAME_PATTERN)
_SEPARATORS = re.compile(r"[\s_-]+")

#: Header names (lower case, spaces for ``_`` and ``-``) for each column, English and Italian.
COLUMNS = {
    "username": ("username", "user name", "user", "login", "nome utente", "utente"),
    "display_name": ("display name", "name", "full name", "nome", "nome e cognome",
                     "nome completo", "nominativo"),
    "email": ("email", "e mail", "mail", "email address", "indirizzo email"),
    "role": ("role", "ruolo"),
}
_COLUMN_OF = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class Problem:
    """What is wrong, as a stable key the page translates, with the line (0: the whole file)
    and the value concerned.

    File: ``empty``, ``encoding``, ``too_large`` (value: the limit in KB), ``too_many``
    (value: the count), ``missing_column`` / ``unknown_column`` / ``duplicate_column`` (value: the
    column). Line: ``no_name``, ``long_name``, ``formula``, ``bad_username``,
    ``duplicate_username``, ``username_taken``, ``bad_email``, ``duplicate_email``,
    ``email_taken``, ``no_role``, ``bad_role``, ``extra_cells``.
    """

    reason: str
    line: int = 0
    value: str = ""


@dataclass(frozen=True)
class Row:
    """One line of the file as typed (trimmed; username, email and role in lower case)."""

    line: int
    username: str
    display_name: str
    email: str
    role: str
    extra: bool = False  # the line has more filled cells than the header has columns


@dataclass
class CheckedRow:
    row: Row
    username: str = ""  # the one the account will get (typed, or made from the name)
    generated: bool = False
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ReadFile:
    rows: list[Row]
    problems: list[Problem]  # about the whole file; no rows when there is one
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str] | None:
    """The text and its encoding: UTF-8 (a BOM dropped), else Windows-1252 (what Excel saves
    as plain "CSV" in Western Europe), else None."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _header_key(cell: str) -> str:
    return _SEPARATORS.sub(" ", cell.strip().lower()).strip()


def _columns(header: Sequence[str]) -> tuple[dict[str, int], list[Problem]]:
    positions: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue  # an empty trailing column, as spreadsheets save them
        column = _COLUMN_OF.get(key)
        if column is None:
            problems.append(Problem("unknown_column", 1, cell.strip()))
        elif column in positions:
            problems.append(Problem("duplicate_column", 1, cell.strip()))
        else:
            positions[column] = index
    problems += [Problem("missing_column", 1, column) for column in ("display_name", "role")
                 if column not in positions]
    return positions, problems


def read_csv(data: bytes) -> ReadFile:
    """The rows of the file, or what stops it from being read at all."""
    if len(data) > MAX_BYTES:
        return ReadFile([], [Problem("too_large", value=str(MAX_BYTES // 1024))])
    # A spreadsheet itself (.xlsx is a zip, .xls and UTF-16 text hold NUL bytes), not its CSV.
    decoded = None if data.startswith(b"PK\x03\x04") or b"\x00" in data else decode(data)
    if decoded is None:
        return ReadFile([], [Problem("encoding")])
    text, encoding = decoded
    lines = text.splitlines()
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ReadFile([], [Problem("empty")], encoding)
    try:
        return _read_rows(text, _delimiter(lines[first]), encoding)
    except csv.Error:  # e.g. one cell over the csv module's 128 KB limit
        return ReadFile([], [Problem("encoding")], encoding)


def _read_rows(text: str, delimiter: str, encoding: str) -> ReadFile:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    positions: dict[str, int] | None = None
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, and lines of empty cells (";;;")
        if positions is None:
            positions, problems = _columns(cells)
            if problems:
                return ReadFile([], problems, encoding)
            continue
        values = {column: cells[index].strip() if index < len(cells) else ""
                  for column, index in positions.items()}
        extra = any(value.strip() for index, value in enumerate(cells)
                    if index not in positions.values())
        rows.append(Row(start, values.get("username", "").lower(), values["display_name"],
                        values.get("email", "").lower(), values["role"].lower(), extra))
    if not rows:
        return ReadFile([], [Problem("empty")], encoding)
    if len(rows) > MAX_ROWS:
        return ReadFile([], [Problem("too_many", value=str(len(rows)))], encoding)
    return ReadFile(rows, [], encoding)


def looks_like_formula(cell: str) -> bool:
    return cell.lstrip(' "').startswith(FORMULA_START)


def _line_problems(row: Row) -> list[Problem]:
    """What is wrong with the line by itself (not counting other lines or accounts)."""
    problems = []
    cells = (row.username, row.display_name, row.email, row.role)
    formulas = [cell for cell in cells if looks_like_formula(cell)]
    problems += [Problem("formula", row.line, cell) for cell in formulas]
    name = clean_name(row.display_name)
    if row.display_name not in formulas:
        if not any(char.isalnum() for char in name):
            problems.append(Problem("no_name", row.line, row.display_name))
        elif len(name) > MAX_NAME:
            problems.append(Problem("long_name", row.line, name[:40] + "…"))
    if row.username and row.username not in formulas and not _USERNAME.match(row.username):
        problems.append(Problem("bad_username", row.line, row.username))
    if row.email and row.email not in formulas and not valid_email(row.email):
        problems.append(Problem("bad_email", row.line, row.email))
    if not row.role:
        problems.append(Problem("no_role", row.line))
    elif row.role not in ROLES and row.role not in formulas:
        problems.append(Problem("bad_role", row.line, row.role))
    if row.extra:
        problems.append(Problem("extra_cells", row.line))
    return problems


def valid_email(address: str) -> bool:
    """An address an account can have (syntax only: nothing is looked up on the network)."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(address) <= 254


def check_rows(rows: Sequence[Row], *, taken_usernames: Collection[str],
               taken_emails: Collection[str]) -> list[CheckedRow]:
    """Every row with the username it will get and its problems.

    ``taken_usernames`` must hold the accounts' usernames that the file names and those
    starting like the ones made from names (see :func:`username_bases`); ``taken_emails``
    the addresses (lower case) that the file names and accounts already use.
    """
    checked = [CheckedRow(row, problems=_line_problems(row)) for row in rows]
    taken = {name.lower() for name in taken_usernames}
    emails = {address.lower() for address in taken_emails}
    first_username: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for item in checked:
        row = item.row
        if row.username:
            item.username = row.username
            if row.username in first_username:
                item.problems.append(Problem("duplicate_username", row.line, row.username))
            elif row.username in taken:
                item.problems.append(Problem("username_taken", row.line, row.username))
            first_username.setdefault(row.username, row.line)
        if row.email:
            if row.email in first_email:
                item.problems.append(Problem("duplicate_email", row.line, row.email))
            elif row.email in emails:
                item.problems.append(Problem("email_taken", row.line, row.email))
            first_email.setdefault(row.email, row.line)
    # Names without a username get one as a teacher's class accounts do, avoiding every
    # account's and every typed username.
    unnamed = [item for item in checked if not item.row.username
               and any(char.isalnum() for char in clean_name(item.row.display_name))
               and not looks_like_formula(item.row.display_name)]
    made = assign_usernames([clean_name(item.row.display_name) for item in unnamed],
                            taken | set(first_username))
    for item, username in zip(unnamed, made, strict=True):
        item.username, item.generated = username, True
    for item in checked:
        item.problems.sort(key=lambda problem: _ORDER.index(problem.reason))
    return checked


_ORDER = ("formula", "no_name", "long_name", "bad_username", "duplicate_username",
          "username_taken", "bad_email", "duplicate_email", "email_taken", "no_role", "bad_role",
          "extra_cells")


def username_bases(rows: Sequence[Row]) -> set[str]:
    """The starts of the usernames made from names: the accounts whose username begins with one
    of them must be in ``taken_usernames``."""
    return {username_base(clean_name(row.display_name)) for row in rows if not row.username}
