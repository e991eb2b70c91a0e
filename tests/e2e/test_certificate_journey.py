"""A learner claims a certificate in the browser: sees the name as printed, corrects it,
confirms, downloads the PDF (whose text carries exactly that name), corrects it once more
(a reissue), and the verification page shows the history. "My certificates" fits a 320 px
phone screen."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS

TYPED = "Giulia 😀 <b>Rossi</b>"
CONFIRMED = "Giulia Nicolò D'Angelo Rossi"
CORRECTED = "Giulia Nicolò D'Angelo-Rossi"


#: Every element of every certificate card ends inside the card (a code that does not wrap
#: could stick out of its card without widening the page).
INSIDE_CARDS = """[...document.querySelectorAll('.certificate-cards .card')].every(card => {
  const right = card.getBoundingClientRect().right;
  return [...card.querySelectorAll('*')].every(e => e.getBoundingClientRect().right <= right);
})"""


def complete_sample_course(app: Flask, username: str) -> None:
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.courses.models import Course, Item
    from lms.db import db, utcnow
    from lms.progress.services import mark_item_complete

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        for item_id in db.session.scalars(select(Item.id).where(
                Item.course_id == course_id, Item.required, Item.available)):
            mark_item_complete(user_id, item_id, now=utcnow())


def pdf_lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def download(page: Page, tmp_path: Path, name: str) -> Path:
    with page.expect_download() as info:
        page.locator("a[download]").first.click()
    path = tmp_path / name
    info.value.save_as(path)
    return path


def test_claim_download_reissue_and_verify(
        live_app: Flask, make_account: Callable[..., str], open_page: Callable[..., Page],
        screenshot: Callable[..., Path], tmp_path: Path) -> None:
    username = make_account(display_name=TYPED)
    complete_sample_course(live_app, username)
    page = open_page(user=username)

    page.goto("/certificates/")
    page.get_by_role("link", name=re.compile("Confirm your name and get the certificate")).click()
    # The account name cannot print as typed: the page shows what would print.
    expect(page.locator("#printed-name")).to_have_text("Giulia Rossi")
    expect(page.get_by_label("Name to print")).to_have_value("Giulia Rossi")
    page.get_by_label("Name to print").fill(f"  {CONFIRMED} ")
    page.get_by_role("button", name="Confirm and get my certificate").click()
    # Edited: shown again as printed, nothing issued until confirmed.
    expect(page.locator("#printed-name")).to_have_text(CONFIRMED)
    expect(page.locator(".flash")).to_contain_text("This is how your name will be printed")
    screenshot(page, "certificate-confirm-name")
    page.get_by_role("button", name="Confirm and get my certificate").click()
    expect(page.locator(".flash")).to_contain_text("is issued")
    code = page.locator(".certificate-cards .certificate-code").first.inner_text()

    first = download(page, tmp_path, "first.pdf")
    lines = pdf_lines(first)
    assert CONFIRMED in lines, lines  # the name is a line of its own, exactly as confirmed
    assert not any(line == "Giulia Rossi" or "😀" in line or "<b>" in line for line in lines)
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(first),
                    str(SCREENSHOTS / "certificate-pdf")], check=True)

    # My certificates on a 320 px phone: no sideways panning.
    phone = open_page(user=username, width=320, height=640)
    phone.goto("/certificates/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert phone.evaluate(INSIDE_CARDS), "something sticks out of a certificate card"
    screenshot(phone, "my-certificates-320")

    # The learner corrects the name once: a new certificate, the old code leads to it.
    page.get_by_role("link", name=re.compile("Correct the name")).click()
    page.get_by_label("Name to print").fill(CORRECTED)
    page.get_by_role("button", name="Reissue with this name").click()
    expect(page.locator("#printed-name")).to_have_text(CORRECTED)
    page.get_by_role("button", name="Reissue with this name").click()
    expect(page.locator(".flash")).to_contain_text("is reissued as")
    assert CORRECTED in pdf_lines(download(page, tmp_path, "second.pdf"))
    expect(page.get_by_role("link", name=re.compile("Correct the name"))).to_have_count(0)

    page.goto(f"/verify/{code}")
    expect(page.locator(".verify-result")).to_contain_text("Reissued")
    expect(page.locator(".certificate-history tbody tr")).to_have_count(2)
    expect(page.locator(".verify-details")).to_contain_text(CORRECTED)
    assert CONFIRMED not in page.locator("main").inner_text()
    screenshot(page, "certificate-verify-history")


def test_my_certificates_fits_a_320_px_screen(site: Any, open_page: Callable[..., Page],
                                              screenshot: Callable[..., Path]) -> None:
    """The demo student's page with an issued certificate, on the narrowest phone."""
    assert site["certificate"]
    phone = open_page(user="student", width=320, height=640)
    phone.goto("/certificates/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide on a 320 px screen"
    assert phone.evaluate(INSIDE_CARDS), "something sticks out of a certificate card"
    screenshot(phone, "my-certificates-320-student")
