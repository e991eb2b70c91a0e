"""Importing teachers and trainers from a CSV file: upload, preview, then create.

Between the preview and the creation the rows travel in the preview page itself, signed with
the app's secret key (valid for an hour, for the admin who uploaded): nothing is kept on the
server, so the second request may reach another worker or another app server than the first.
Every row is checked again when the accounts are made, against the accounts there are then.
"""

from __future__ import annotations

import base64

from flask import current_app, make_response, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from lms.admin import csv_import, services
from lms.admin.blueprint import admin_required, bp
from lms.admin.csv_import import CheckedRow, Problem, Row
from lms.admin.forms import ImportCommitForm, ImportForm, role_choices
from lms.classes import cards
from lms.classes.services import NewAccount
from lms.db import utcnow
from lms.resets.services import format_code
from lms.urls import external_url

SALT = "lms-admin-import"
MAX_AGE = 3600  # seconds between the preview and "Create the accounts"
COLUMN_NAMES = {"username": "username", "display_name": "display name", "email": "email",
                "role": "role"}


# -- the rows between the preview and the commit ---------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def seal(actor_id: int, rows: list[Row]) -> str:
    return _serializer().dumps({"actor": actor_id, "rows": [
        [row.line, row.username, row.display_name, row.email, row.role] for row in rows]})


def unseal(token: str, actor_id: int) -> list[Row] | None:
    """The rows of a preview this admin saw in the last hour, else None."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or data.get("actor") != actor_id:
        return None
    return [Row(int(line), str(username), str(name), str(email), str(role))
            for line, username, name, email, role in data.get("rows", [])]


# -- messages --------------------------------------------------------------------------------


def problem_message(problem: Problem) -> str:
    """The problem in the admin's language, starting with its line."""
    text = _problem_text(problem)
    if problem.line:
        return gettext("Line %(line)d: %(problem)s", line=problem.line, problem=text)
    return text


# One message per reason of lms.admin.csv_import (tests/test_admin_import.py checks that each
# has one); the values are filled in when the message is shown, in the admin's language.
PROBLEM_TEXTS: dict[str, LazyString] = {
    "encoding": _l("This is not a CSV file. In the spreadsheet, choose “Save as” and the "
                   "CSV format (“CSV UTF-8” where offered)."),
    "too_large": _l("The file is larger than %(size)s KB."),
    "too_many": _l("The file has %(count)s accounts; at most %(max)d at once. Split it "
                   "into several files."),
    "missing_column": _l("the header row has no “%(column)s” column."),
    "unknown_column": _l("“%(column)s” is not a column of this import (username, display "
                         "name, email, role)."),
    "duplicate_column": _l("the column “%(column)s” appears twice."),
    "formula": _l("“%(value)s” looks like a spreadsheet formula: type the value itself."),
    "no_name": _l("the display name is empty."),
    "long_name": _l("the display name is longer than 120 characters."),
    "bad_username": _l("“%(value)s” is not a valid username: use 3 to 32 lowercase letters, "
                       "digits, dots, dashes or underscores, or leave it empty."),
    "duplicate_username": _l("the username “%(value)s” is already on an earlier line."),
    "username_taken": _l("the username “%(value)s” is taken by an existing account."),
    "bad_email": _l("“%(value)s” is not a valid email address."),
    "duplicate_email": _l("the email address “%(value)s” is already on an earlier line."),
    "email_taken": _l("another account already uses “%(value)s”."),
    "no_role": _l("the role is empty: write teacher or trainer."),
    "bad_role": _l("role “%(value)s” is not teacher or trainer."),
    "extra_cells": _l("this line has more cells than the header row has columns."),
    "empty": _l("The file has no accounts: a header row and one line per account are "
                "needed."),
}


def _problem_text(problem: Problem) -> str:
    value = problem.value
    text = PROBLEM_TEXTS[problem.reason]
    # Every placeholder any message uses: % with a mapping ignores the ones a text lacks.
    return str(text) % {"size": value, "count": value, "max": csv_import.MAX_ROWS,
                        "column": COLUMN_NAMES.get(value, value), "value": value}


# -- pages -----------------------------------------------------------------------------------


def _preview(form: ImportForm, rows: list[CheckedRow], problems: list[Problem], *,
             encoding: str = "utf-8") -> tuple[str, int]:
    """The rows with their result, and the button to create them only when all are right."""
    messages = [problem_message(p) for p in problems]
    messages += [problem_message(p) for item in rows for p in item.problems]
    commit_form = None
    if rows and not messages:
        commit_form = ImportCommitForm(formdata=None)
        commit_form.rows.data = seal(current_user.id, [item.row for item in rows])
    page = render_template(
        "lms/admin/import.html", form=form, messages=messages,
        rows=[(item, [_problem_text(p) for p in item.problems]) for item in rows],
        commit_form=commit_form, roles=dict(role_choices()), previewed=True,
        cp1252=encoding == "cp1252", max_rows=csv_import.MAX_ROWS)
    return page, 400 if messages else 200


@bp.route("/admin/users/import", methods=["GET", "POST"])
@admin_required
def import_users() -> str | tuple[str, int]:
    """Upload a CSV of teachers and trainers; see every row's result before anything is made."""
    form = ImportForm()
    if form.validate_on_submit():
        read = services.preview_import(form.file.data.read(csv_import.MAX_BYTES + 1))
        return _preview(ImportForm(formdata=None), read.rows, read.problems,
                        encoding=read.encoding)
    page = render_template("lms/admin/import.html", form=form, rows=[], messages=[],
                           previewed=False, max_rows=csv_import.MAX_ROWS)
    return page, 400 if form.errors else 200


@bp.post("/admin/users/import/commit")
@admin_required
def import_commit() -> Response | tuple[str, int]:
    """Create the previewed accounts, all or none; their one-time codes are shown once."""
    form = ImportCommitForm()
    rows = unseal(form.rows.data or "", current_user.id) if form.validate_on_submit() else None
    if rows is None:  # no rows, a changed or expired preview, or an expired CSRF token
        upload = ImportForm(formdata=None)
        upload.file.errors = [gettext("The preview is no longer valid (it lasts an hour). "
                                      "Please upload the file again.")]
        return render_template("lms/admin/import.html", form=upload, rows=[], messages=[],
                               previewed=False, max_rows=csv_import.MAX_ROWS), 400
    try:
        created = services.import_accounts(current_user.id, rows, now=utcnow())
    except services.ImportRefused as refused:
        # Something changed since the preview (an account took a username or an address).
        checked = refused.rows or services.check_import(rows)
        page, _status = _preview(ImportForm(formdata=None), checked, [])
        return page, 409
    return _created_page(created)


def _created_page(created: list[services.ImportedAccount]) -> Response:
    """The one page with these codes and their login cards; never cached."""
    accounts = [NewAccount(a.user_id, a.display_name, a.username, format_code(a.code),
                           valid_until=a.expires_at) for a in created]
    pdf = cards.render_login_cards(accounts, class_name="",
                                   site_url=external_url("lms.auth.login"),
                                   site_name=current_app.config["LMS_SITE_NAME"])
    response = make_response(render_template(
        "lms/admin/import_done.html", created=created, accounts=accounts,
        roles=dict(role_choices()), login_url=external_url("lms.auth.login"),
        cards_uri="data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii")))
    response.headers["Cache-Control"] = "no-store"
    return response
