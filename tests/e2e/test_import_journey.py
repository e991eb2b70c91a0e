"""An admin imports two teachers from a CSV file in the browser (preview, then create), and
one of them logs in with the one-time code from the page and chooses a password.

Screenshots (under screenshots/): import-preview, import-done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.test_accessibility import axe_violations

CSV = ("\ufeffusername;display name;email;role\r\n"
       "e2e-imported;Teresa Import;;teacher\r\n"
       ";Tommaso Import;;teacher\r\n").encode()


def test_an_admin_imports_two_teachers_and_one_logs_in(
    open_page: Callable[..., Page], screenshot: Callable[..., Path],
    login_page: Callable[..., None],
) -> None:
    admin = open_page("admin")
    admin.goto("/admin/users/")
    admin.get_by_role("link", name="Import teachers and trainers (CSV)").click()
    admin.wait_for_load_state()
    admin.set_input_files("#file", files=[{"name": "teachers.csv", "mimeType": "text/csv",
                                            "buffer": CSV}])
    admin.get_by_role("button", name="Preview").click()
    admin.wait_for_load_state()
    rows = admin.locator("table.data tbody tr")
    assert rows.count() == 2
    assert rows.nth(1).locator("td").nth(1).inner_text().startswith("tommaso.i")
    assert not axe_violations(admin)
    screenshot(admin, "import-preview")
    admin.get_by_role("button", name="Create 2 accounts").click()
    admin.wait_for_load_state()
    assert admin.get_by_role("heading", level=1).inner_text() == "2 accounts created"
    assert admin.get_by_role("link", name="Download the login cards (PDF)").is_visible()
    code = admin.locator("table.credentials tbody tr").first.locator("code.join-code")
    assert not axe_violations(admin)
    screenshot(admin, "import-done")

    teacher = open_page()
    login_page(teacher, "e2e-imported", code.inner_text())
    assert teacher.url.endswith("/account/new-password")
    teacher.fill("#password", "teresa-nuova-2026")
    teacher.fill("#confirm", "teresa-nuova-2026")
    teacher.get_by_role("button", name="Save the new password").click()
    teacher.wait_for_load_state()
    assert "/account/" not in teacher.url
    assert "Your new password is saved" in teacher.content()
