"""The class downloads: the workbook (.xlsx, read back with openpyxl) and the CSV in the
separators of the teacher's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_class_dashboard import make_class, make_course

from lms.auth.models import User
from lms.classes import services
from lms.classes.csv_export import COMMA, SEMICOLON, dialect_for, write_csv
from lms.classes.spreadsheet import MIMETYPE, sheet_name
from lms.db import db, utcnow
from lms.progress.services import record_visit

INJECTION = "=cmd|' /C calc'!A0"


def _teacher(app: Flask, make_user: Callable[..., User], language: str | None
             ) -> tuple[User, FlaskClient]:
    teacher = make_user("teacher", language=language)
    client = app.test_client()
    client.post("/account/login", data={"login": teacher.username, "password": "password123"})
    return teacher, client


def _world(teacher: User) -> tuple[int, list[User]]:
    """Two courses: "xa" (2 modules, module 1 overdue) and "xb" (1 module)."""
    first, second = make_course("xa", 2, 1), make_course("xb", 1, 1)
    school_class, users = make_class(teacher, first, 3)
    services.assign(school_class.id, second.id, None, None, now=utcnow())
    overdue, _ = services.assign(school_class.id, first.id, first.modules[0].id,
                                 utcnow() + timedelta(days=1), now=utcnow())
    overdue.due_at = utcnow() - timedelta(days=1)
    users[2].display_name = INJECTION
    db.session.commit()
    record_visit(users[1].id, second.id, None, now=utcnow())
    return school_class.id, users


def test_workbook_has_a_sheet_per_course_with_the_figures(
        app: Flask, make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user, None)
    class_id, users = _world(teacher)
    response = client.get(f"/teach/classes/{class_id}/export.xlsx")
    assert response.status_code == 200 and response.mimetype == MIMETYPE
    assert 'filename="progress-class-3-' in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Course xa", "Course xb"]
    sheet = book["Course xa"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Student", "Username", "Module 1: completion",
                       "Module 1: best quiz score", "Module 2: completion",
                       "Module 2: best quiz score", "Last active", "Overdue modules"]
    by_name = {row[0]: row for row in rows[1:]}
    # Kid 00 did module 1's lesson (100%) and scored 40% on its quiz; Kid 01 did nothing.
    assert by_name["Kid 00"][1:6] == [users[0].username, 1, 0.4, 0, None]
    assert by_name["Kid 00"][6] is not None and by_name["Kid 00"][6].date() == utcnow().date()
    assert by_name["Kid 00"][7] == 0
    assert by_name["Kid 01"][2:8] == [0, None, 0, None, None, 1]  # module 1 is overdue
    # The formula-looking name is text with the same mark as the CSV, never a formula.
    assert "'" + INJECTION in by_name
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["C2"].number_format == "0%" and sheet.freeze_panes == "B2"
    other = [[cell.value for cell in row] for row in book["Course xb"].iter_rows()]
    assert other[0][2] == "Module 1: completion" and len(other) == 4
    kid1 = next(row for row in other if row[0] == "Kid 01")
    assert kid1[4] is not None  # last active in the second course: the recorded visit


def test_csv_follows_the_teachers_language(app: Flask,
                                           make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user, "it")
    class_id, users = _world(teacher)
    raw = client.get(f"/teach/classes/{class_id}/export.csv").data
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Studente;Nome utente;Corso;Modulo;")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert all(len(row) == len(rows[0]) == 10 for row in rows)
    assert any(row[0] == "'" + INJECTION for row in rows)
    other_teacher = _teacher(app, make_user, "en")[1]
    assert other_teacher.get(f"/teach/classes/{class_id}/export.csv").status_code == 404
    assert other_teacher.get(f"/teach/classes/{class_id}/export.xlsx").status_code == 404


def test_dialects_and_decimal_marks() -> None:
    assert dialect_for("it") == SEMICOLON and dialect_for("pt_BR") == SEMICOLON
    assert dialect_for("en") == COMMA and dialect_for("xx-nowhere") == COMMA
    assert write_csv([["Bob", 40.5, 7]], SEMICOLON) == "\ufeffBob;40,5;7\r\n"
    assert write_csv([["Bob", 40.5, "a;b"]]) == '\ufeffBob,40.5,"a;b"\r\n'
    # The semicolon file still neutralises a formula hidden after a comma.
    assert write_csv([["x,=1+1"]], SEMICOLON) == "\ufeff\"x,'=1+1\"\r\n"


@pytest.mark.parametrize(("title", "expected"), [
    ("Global citizenship: an introduction to rights", "Global citizenship  an introduc"),
    ("[Draft] a/b?", "Draft  a b"),
    ("'quoted'", "quoted"),
    ("", "Course"),
])
def test_sheet_names_are_valid(title: str, expected: str) -> None:
    assert sheet_name(title, set()) == expected


def test_sheet_names_are_unique_ignoring_case() -> None:
    taken: set[str] = set()
    names = [sheet_name(title, taken) for title in ("Water", "WATER", "water", "History")]
    assert names == ["Water", "WATER (2)", "water (3)", "History (2)"]
    long = [sheet_name("x" * 40, taken) for _ in range(2)]
    assert long == ["x" * 31, "x" * 27 + " (2)"] and all(len(name) <= 31 for name in long)


def test_arabic_workbook_reads_right_to_left(app: Flask,
                                             make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user, "ar")
    class_id, _ = _world(teacher)
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/teach/classes/{class_id}/export.xlsx").data))
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)


def test_class_without_course_still_gives_a_workbook(app: Flask,
                                                     make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user, None)
    school_class = services.create_class(teacher.id, "Empty", None, now=utcnow())
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/teach/classes/{school_class.id}/export.xlsx").data))
    assert book.sheetnames == ["Progress"]


def test_dashboard_offers_both_downloads_without_the_text_import_advice(
        app: Flask, make_user: Callable[..., User]) -> None:
    teacher, client = _teacher(app, make_user, None)
    class_id, _ = _world(teacher)
    page = client.get(f"/teach/classes/{class_id}/").text
    assert f"/teach/classes/{class_id}/export.xlsx" in page
    assert f"/teach/classes/{class_id}/export.csv" in page
    assert "From Text/CSV" not in page
