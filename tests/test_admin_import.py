"""Admins import teachers and trainers from a CSV file: a preview with every line's result,
then all accounts or none, each with a one-time code and a line in the admin log."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.admin import csv_import, import_views
from lms.admin.csv_import import Problem, Row, check_rows, read_csv
from lms.admin.models import AdminAction
from lms.auth.models import User
from lms.db import db

GOOD = ("username,display name,email,role\n"
        "gverdi,Giulia Verdi,giulia@example.org,teacher\n"
        ",Marco Russo,,trainer\n"
        ",Ana Lúcia Sousa,ana@example.org,Teacher\n")


def upload(client: FlaskClient, text: str | bytes, name: str = "people.csv"):  # noqa: ANN201
    data = text.encode() if isinstance(text, str) else text
    return client.post("/admin/users/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def sealed_rows(page: str) -> str:
    found = re.search(r'name="rows" type="hidden" value="([^"]+)"', page)
    assert found, page
    return html.unescape(found.group(1))


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[[User], None]) -> User:
    user = make_user("admin")
    login(user)
    return user


# -- the pure reader -------------------------------------------------------------------------


def test_reader_takes_semicolons_a_bom_and_italian_headers() -> None:
    text = "\ufeffNome utente;Nome;E-mail;Ruolo\r\n;Niccolò Bàrberi;;teacher\r\n;;;\r\n"
    read = read_csv(text.encode())
    assert read.problems == [] and read.encoding == "utf-8"
    assert read.rows == [Row(2, "", "Niccolò Bàrberi", "", "teacher")]


def test_reader_takes_what_excel_saves_as_plain_csv() -> None:
    read = read_csv("display name;role\nNiccolò Bàrberi;trainer\n".encode("cp1252"))
    assert read.encoding == "cp1252" and read.rows[0].display_name == "Niccolò Bàrberi"


def test_lines_are_counted_as_the_file_has_them() -> None:
    text = 'display name,role\n\n"Anna\nMaria",teacher\nBruno,trainer\n'
    assert [row.line for row in read_csv(text.encode()).rows] == [3, 5]


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"display name,role\n", "empty"),
    (b"PK\x03\x04binary", "encoding"),
    ("display name,role\n".encode("utf-16"), "encoding"),
    (b"name,email\nAnna,a@example.org\n", "missing_column"),
    (b"name,role,notes\nAnna,teacher,x\n", "unknown_column"),
    (b"name,nome,role\nAnna,Anna,teacher\n", "duplicate_column"),
    (b"name,role\n" + b"Anna,teacher\n" * (csv_import.MAX_ROWS + 1), "too_many"),
    (b"name,role\n" + b"x" * csv_import.MAX_BYTES, "too_large"),
    (b"name,role\n" + b"x" * 200_000 + b",teacher\n", "encoding"),  # over csv's cell limit
])
def test_files_that_cannot_be_read(data: bytes, reason: str) -> None:
    read = read_csv(data)
    assert read.rows == [] and [p.reason for p in read.problems] == [reason]


def test_every_kind_of_bad_line() -> None:
    text = ("username,display name,email,role\n"
            "okay,Fine Person,fine@example.org,teacher\n"   # 2
            "x,Short Username,,teacher\n"                    # 3
            ",Student Person,,student\n"                     # 4
            ",,,teacher\n"                                   # 5
            "okay,Same Username,,trainer\n"                  # 6
            "taken,Existing Username,,trainer\n"             # 7
            ",Bad Email,not-an-email,teacher\n"              # 8
            ",Same Email,fine@example.org,teacher\n"         # 9
            ",Used Email,used@example.org,teacher\n"         # 10
            ",No Role,,\n"                                   # 11
            f",{'L' * 121},,teacher\n"                       # 12
            ",Extra Cells,,teacher,surprise\n")              # 13
    checked = check_rows(read_csv(text.encode()).rows, taken_usernames={"taken"},
                         taken_emails={"used@example.org"})
    reasons = {item.row.line: [p.reason for p in item.problems] for item in checked}
    assert reasons == {2: [], 3: ["bad_username"], 4: ["bad_role"], 5: ["no_name"],
                       6: ["duplicate_username"], 7: ["username_taken"], 8: ["bad_email"],
                       9: ["duplicate_email"], 10: ["email_taken"], 11: ["no_role"],
                       12: ["long_name"], 13: ["extra_cells"]}


def test_usernames_are_made_as_for_class_accounts() -> None:
    rows = read_csv("name;role\nإلياس;teacher\n<b>Luca</b> Neri;trainer\nLuca Nardi;teacher\n"
                    .encode()).rows
    checked = check_rows(rows, taken_usernames={"ilyas"}, taken_emails=set())
    assert [(item.username, item.generated) for item in checked] == [
        ("ilyas2", True), ("luca.n", True), ("luca.n2", True)]


# -- the pages -------------------------------------------------------------------------------


def test_an_admin_previews_then_creates_accounts_that_log_in(
    app: Flask, client: FlaskClient, admin: User,
) -> None:
    preview = upload(client, GOOD)
    assert preview.status_code == 200, preview.text
    assert preview.text.count("Ready") == 3 and "marco.r" in preview.text
    assert "Create 3 accounts" in preview.text
    assert user_count() == 1  # the preview writes nothing
    done = client.post("/admin/users/import/commit", data={"rows": sealed_rows(preview.text)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert "3 accounts created" in done.text and "data:application/pdf;base64," in done.text
    codes = re.findall(r'<code class="join-code">([A-Z0-9-]+)</code>', done.text)
    assert len(codes) == 3
    people = {u.username: u for u in db.session.scalars(select(User).where(User.id != admin.id))}
    assert {name: (u.role, u.email) for name, u in people.items()} == {
        "gverdi": ("teacher", "giulia@example.org"), "marco.r": ("trainer", None),
        "ana.s": ("teacher", "ana@example.org")}
    assert people["ana.s"].display_name == "Ana Lúcia Sousa"
    logged = [(a.action, a.actor_id, a.detail) for a in db.session.scalars(
        select(AdminAction).order_by(AdminAction.id))]
    assert logged == [("imported", admin.id, "teacher"), ("imported", admin.id, "trainer"),
                      ("imported", admin.id, "teacher")]
    assert "created the account from a CSV file (Teacher)" in client.get("/admin/log/").text
    teacher = app.test_client()
    response = teacher.post("/account/login", data={"login": "gverdi", "password": codes[0]})
    assert response.status_code == 302 and response.location.endswith("/account/new-password")
    # The same preview cannot make the accounts twice.
    again = client.post("/admin/users/import/commit", data={"rows": sealed_rows(preview.text)})
    assert again.status_code == 409 and "is taken by an existing account" in again.text
    assert user_count() == 4


def test_bad_lines_are_listed_and_nothing_can_be_created(client: FlaskClient, admin: User,
                                                         make_user: Callable[..., User]) -> None:
    make_user(username="taken", email="used@example.org")
    text = ("username;display name;email;role\n"
            "okay;Fine Person;;teacher\n"
            "taken;Taken Person;;teacher\n"
            ";Student Person;;student\n"
            ";Used Email;USED@example.org;trainer\n")
    response = upload(client, text)
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "3 problems: nothing is created until the file is corrected." in page
    assert "Line 3: the username “taken” is taken by an existing account." in page
    assert "Line 4: role “student” is not teacher or trainer." in page
    assert "Line 5: another account already uses “used@example.org”." in page
    assert 'name="rows"' not in page and "Upload the corrected file" in page
    assert user_count() == 2


def test_nothing_is_written_when_a_line_went_wrong_since_the_preview(
    client: FlaskClient, admin: User, make_user: Callable[..., User],
) -> None:
    preview = upload(client, GOOD)
    make_user(username="somebody", email="ana@example.org")  # after the preview
    response = client.post("/admin/users/import/commit",
                           data={"rows": sealed_rows(preview.text)})
    assert response.status_code == 409
    assert "Line 4: another account already uses “ana@example.org”." in html.unescape(
        response.text)
    assert user_count() == 2
    assert db.session.scalar(select(func.count(AdminAction.id))) == 0


def test_a_changed_expired_or_foreign_preview_is_refused(
    client: FlaskClient, admin: User, make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = sealed_rows(upload(client, GOOD).text)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.post("/admin/users/import/commit", data={"rows": forged}).status_code == 400
    monkeypatch.setattr(import_views, "MAX_AGE", -1)
    expired = client.post("/admin/users/import/commit", data={"rows": token})
    assert expired.status_code == 400 and "Please upload the file again" in expired.text
    monkeypatch.undo()
    other = make_user("admin", username="second-admin")
    with client.session_transaction() as session:
        session.clear()
    client.post("/account/login", data={"login": other.username, "password": "password123"})
    assert client.post("/admin/users/import/commit", data={"rows": token}).status_code == 400
    assert user_count() == 2


def test_only_admins_import(client: FlaskClient, make_user: Callable[..., User],
                            login: Callable[[User], None]) -> None:
    login(make_user("teacher"))
    assert client.get("/admin/users/import").status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert client.post("/admin/users/import/commit", data={"rows": "x"}).status_code == 403
    assert user_count() == 1


def test_formula_cells_are_refused_and_shown_as_text(client: FlaskClient, admin: User) -> None:
    text = ("username,display name,email,role\n"
            ',"=HYPERLINK(""http://evil.example"",""click"")",,teacher\n'
            ",@SUM(A1),,teacher\n"
            ',Anna Bassi,"+1@example.org",teacher\n'
            ",-2+3,,trainer\n"
            ",<script>alert(1)</script> Ok,,teacher\n")
    response = upload(client, text)
    assert response.status_code == 400
    page = html.unescape(response.text)
    for line in (2, 3, 4, 5):
        assert f"Line {line}: “" in page and "looks like a spreadsheet formula" in page
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ok" in response.text
    assert user_count() == 1


def test_an_italian_excel_file(client: FlaskClient, admin: User) -> None:
    text = ("\ufeffnome utente;nome;email;ruolo\r\n"
            ";Niccolò Bàrberi;niccolo@example.org;teacher\r\n"
            "lferri;Lucia Ferri;;trainer\r\n;;;\r\n")
    preview = upload(client, text.encode("utf-8"))
    assert preview.status_code == 200 and "niccolo.b" in preview.text
    client.post("/admin/users/import/commit", data={"rows": sealed_rows(preview.text)})
    niccolo = db.session.scalar(select(User).where(User.username == "niccolo.b"))
    assert niccolo is not None and niccolo.display_name == "Niccolò Bàrberi"
    plain = upload(client, "nome;ruolo\r\nGiosuè Carducci;teacher\r\n".encode("cp1252"))
    assert "it was read as Windows-1252" in plain.text and "Giosuè Carducci" in plain.text


def test_the_import_page_speaks_italian(client: FlaskClient, admin: User) -> None:
    client.post("/language", data={"language": "it"})
    page = html.unescape(upload(client, "name;role\nAnna;student\n").text)
    assert "Riga 2:" in page, page


def test_every_reason_the_reader_gives_has_its_message(app: Flask) -> None:
    source = Path(csv_import.__file__).read_text(encoding="utf-8")
    reasons = set(re.findall(r'Problem\("(\w+)"', source))
    assert len(reasons) >= 18 and reasons <= set(import_views.PROBLEM_TEXTS)
    with app.test_request_context():
        for reason in sorted(reasons):
            text = import_views.problem_message(Problem(reason, 3, "display_name"))
            assert text.startswith("Line 3: ") and "%(" not in text, reason
        assert import_views.problem_message(Problem("missing_column", 1, "display_name")) == (
            "Line 1: the header row has no “display name” column.")
        assert import_views.problem_message(Problem("too_many", value="501")) == (
            f"The file has 501 accounts; at most {csv_import.MAX_ROWS} at once. Split it into "
            "several files.")
        assert import_views.problem_message(Problem("empty")) == (
            "The file has no accounts: a header row and one line per account are needed.")
