"""A learner downloads their certificate as an Open Badge from *My certificates*: the badge
page explains it in their language, the PNG carries the signed credential (read back with
Pillow and checked with jwcrypto against the site's published keys), and the public
verification page says it is valid."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from jwcrypto import jwk, jws
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.test_certificate_journey import complete_sample_course


def claim_in_the_browser(page: Page) -> str:
    page.goto("/certificates/")
    page.get_by_role("link", name=re.compile("Confirm your name and get the certificate")).click()
    page.get_by_role("button", name="Confirm and get my certificate").click()
    expect(page.locator(".flash")).to_contain_text("is issued")
    return page.locator(".certificate-cards .certificate-code").first.inner_text()


def test_download_the_badge_from_my_certificates(
        live_app: Flask, make_account: Callable[..., str], open_page: Callable[..., Page],
        screenshot: Callable[..., Path], tmp_path: Path) -> None:
    username = make_account(display_name="Amina Badge", email="amina@example.org")
    complete_sample_course(live_app, username)
    page = open_page(user=username)
    code = claim_in_the_browser(page)

    page.get_by_role("link", name=re.compile("Download as Open Badge")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your certificate as an Open Badge")
    expect(page.get_by_role("heading", name="How to add it to a wallet")).to_be_visible()
    page.get_by_label(re.compile("Include my name")).check()
    screenshot(page, "open-badge")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the badge image (PNG)").click()
    saved = tmp_path / "badge.png"
    info.value.save_as(saved)
    assert info.value.suggested_filename == f"open-badge-{code}.png"

    with Image.open(saved) as image:
        image.load()
        token = image.text["openbadgecredential"]
    signed = jws.JWS()
    signed.deserialize(token)
    keys = jwk.JWKSet.from_json(page.request.get("/badges/jwks.json").text())
    signed.verify(keys.get_key(signed.jose_header["kid"]), alg=signed.jose_header["alg"])
    credential = json.loads(signed.payload)["vc"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Sample course"
    assert {"type": "IdentityObject", "identityType": "name", "hashed": False,
            "identityHash": "Amina Badge"} in credential["credentialSubject"]["identifier"]

    # The public check takes the image back and says it is valid.
    page.goto("/badges/verify")
    page.get_by_label("Or the badge image (PNG)").set_input_files(str(saved))
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".verify-result")).to_contain_text("Valid")


def test_the_badge_page_speaks_italian(site: Any, open_page: Callable[..., Page]) -> None:
    assert site["certificate"]  # the demo student's certificate
    page = open_page(user="student", locale="it-IT")
    page.goto("/certificates/")
    page.get_by_role("link", name=re.compile("Scarica come Open Badge")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Il tuo attestato come Open Badge")
    expect(page.get_by_role("heading", name="Come aggiungerlo a un portafoglio digitale")) \
        .to_be_visible()
