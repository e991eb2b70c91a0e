"""Certificates: issue once, PDF content and QR code, verify, revoke, access control."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries
from sqlalchemy import func, select

from lms.auth.models import User
from lms.certificates import claims, services
from lms.certificates.document import certificate_pdf_bytes
from lms.certificates.models import Certificate
from lms.certificates.pdf import (
    COURSE_ASSETS,
    STATIC_BASE,
    certificate_fetcher,
    render_certificate_pdf,
)
from lms.courses.models import Course, Item
from lms.db import db, utcnow
from lms.pdf import RefusedURL
from lms.progress.services import mark_item_complete
from tests.conftest import make_test_app

SLUG = "sample-course"
BASE_URL = "https://learn.example.org"


def required_items(course_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Item.id).where(Item.course_id == course_id, Item.required, Item.available)
        .order_by(Item.id)
    ))


def course_id() -> int:
    return db.session.scalar(select(Course.id).where(Course.slug == SLUG))


def complete_course(user: User) -> None:
    for item_id in required_items(course_id()):
        mark_item_complete(user.id, item_id, now=utcnow())


def complete_and_claim(user: User) -> Certificate:
    """Complete the course and claim its certificate with the name of the preference."""
    complete_course(user)
    name = services.get_preference(user.id).printed_name
    return claims.claim_certificate(user.id, SLUG, name, None, shown_name=name, now=utcnow())


def count_certificates() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def learner(make_user: Callable[..., User], synced: None) -> User:
    return make_user(display_name="Giulia Nicolò D'Angelo")


# --- issuing ---------------------------------------------------------------------------

def test_completing_a_course_makes_one_certificate_ready_to_claim(learner: User,
                                                                  tmp_path: Path) -> None:
    complete_course(learner)
    assert count_certificates() == 0  # nothing is issued before the name is confirmed
    assert [c.course_slug for c in claims.claimable_courses(learner.id)] == [SLUG]
    complete_and_claim(learner)
    assert count_certificates() == 1 and claims.claimable_courses(learner.id) == []
    certificate = db.session.scalar(select(Certificate))
    assert certificate.printed_name == "Giulia Nicolò D'Angelo"
    assert certificate.course_title == "Sample course"
    assert certificate.course_version == "1.0"
    assert certificate.language == "en"
    assert certificate.pdf is None  # rendered on the first download
    download = services.download_for(certificate.code, learner.id, now=utcnow())
    assert download is not None and download.pdf is not None
    text = pdf_text(download.pdf, tmp_path)
    for expected in ("Giulia Nicolò D'Angelo", "Sample course", certificate.code,
                     "Certificate of completion"):
        assert expected in text
    # Completing again, or calling the service again, issues nothing new.
    complete_course(learner)
    again = services.issue_certificate(learner.id, course_id(), completed_at=utcnow(),
                                       now=utcnow())
    assert again.code == certificate.code
    assert count_certificates() == 1


def test_no_certificate_when_the_course_offers_none(learner: User) -> None:
    db.session.get(Course, course_id()).certificate_enabled = False
    db.session.commit()
    complete_course(learner)
    assert count_certificates() == 0
    assert claims.claimable_courses(learner.id) == []


def test_concurrent_issue_yields_one_certificate(app: Flask, learner: User) -> None:
    the_course, user_id, completed = course_id(), learner.id, utcnow()
    barrier = threading.Barrier(4, timeout=60)
    codes: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        with app.app_context():
            try:
                barrier.wait()
                certificate = services.issue_certificate(user_id, the_course,
                                                         completed_at=completed, now=utcnow())
                codes.append(certificate.code)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # A thread still running (or stuck at the barrier) would leave the checks below vacuous.
    assert not [thread for thread in threads if thread.is_alive()]
    assert not errors
    assert len(codes) == 4 and len(set(codes)) == 1
    assert count_certificates() == 1


def test_concurrent_completion_issues_one_certificate(app: Flask, learner: User) -> None:
    *first, last = required_items(course_id())
    for item_id in first:
        mark_item_complete(learner.id, item_id, now=utcnow())
    user_id = learner.id
    barrier = threading.Barrier(2, timeout=60)
    errors: list[BaseException] = []
    results: list[object] = []

    def complete() -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(mark_item_complete(user_id, last, now=utcnow()))
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [thread for thread in threads if thread.is_alive()]
    assert not errors
    assert len(results) == 2  # both threads completed the item
    assert count_certificates() == 0
    assert len(claims.claimable_courses(user_id)) == 1


def test_printed_name_is_chosen_before_issue_and_kept_after(learner: User) -> None:
    services.set_preference(learner.id, "  Giulia   D'Angelo ", "it", now=utcnow())
    complete_and_claim(learner)
    certificate = db.session.scalar(select(Certificate))
    assert certificate.printed_name == "Giulia D'Angelo"
    assert certificate.language == "it"
    services.set_preference(learner.id, "Someone Else", None, now=utcnow())
    db.session.expire_all()
    assert db.session.scalar(select(Certificate)).printed_name == "Giulia D'Angelo"


@pytest.mark.parametrize("name", ["", "    ", "\t\n", "\x00\x07", "Ana\x00", "\u202eanA",
                                  "x" * 121, "\u200b"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(services.CertificateError):
        services.clean_printed_name(name)


def test_good_names_are_kept() -> None:
    assert services.clean_printed_name("ليلى عبد\u200cالرحمن") == "ليلى عبد\u200cالرحمن"
    assert services.clean_printed_name("x" * 120) == "x" * 120
    assert services.clean_printed_name(" Zoë\u00a0Müller ") == "Zoë Müller"


# --- the PDF -----------------------------------------------------------------------------

@pytest.fixture
def render_app(tmp_path: Path) -> Flask:
    """An app for rendering only (no database queries)."""
    return make_test_app("sqlite:///" + str(tmp_path / "unused.sqlite3"), tmp_path,
                         LMS_BASE_URL=BASE_URL, LMS_ORGANISATION="Rete Cittadinanza Globale")


def transient_certificate(name: str, language: str = "en") -> Certificate:
    return Certificate(code="K7QM-3XF9-T2HD", printed_name=name, course_title="Fair trade",
                       course_slug="fair-trade", course_version="2.1", language=language,
                       completed_at=utcnow(), issued_at=utcnow())


NAMES = {
    "italian": "Niccolò Dell'Acqua",
    "portuguese": "João Conceição Simões",
    "spanish": "Begoña Núñez Peña",
    "albanian": "Ëndërrim Çelaj",
    "macedonian": "Јована Ѓорѓиевска-Ќосе",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_names_render_in_the_pdf(render_app: Flask, name: str, tmp_path: Path) -> None:
    with render_app.app_context():
        pdf = certificate_pdf_bytes(transient_certificate(name), source_dir=None)
    text = pdf_text(pdf, tmp_path)
    assert name in text
    assert "Fair trade" in text and "K7QM-3XF9-T2HD" in text
    assert "Rete Cittadinanza Globale" in text


def test_arabic_certificate_renders_with_embedded_fonts(render_app: Flask,
                                                         tmp_path: Path) -> None:
    with render_app.app_context():
        pdf = certificate_pdf_bytes(transient_certificate("ليلى عبد الرحمن", "ar"),
                                    source_dir=None)
    path = tmp_path / "arabic.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    for line in fonts:
        assert line.split()[-5] == "yes", line  # the "emb" column
    # pdftotext cannot be trusted with Arabic ligatures; the code is Latin and must be there.
    assert "K7QM-3XF9-T2HD" in pdf_text(pdf, tmp_path)


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed "
                           "to decode the QR code")
def test_qr_code_decodes_to_the_verify_url(render_app: Flask, tmp_path: Path) -> None:
    with render_app.app_context():
        pdf = certificate_pdf_bytes(transient_certificate("Ana"), source_dir=None)
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "c")], check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "c.png")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == f"{BASE_URL}/verify/K7QM-3XF9-T2HD"


def test_fetcher_serves_only_static_files(tmp_path: Path) -> None:
    fetcher = certificate_fetcher()
    response = fetcher(STATIC_BASE + "lms/certificate.css")
    assert b"@page" in response.read()
    response.close()
    refused = ["file:///etc/passwd", "http://example.org/x.png", "https://example.org/x.css",
               "ftp://example.org/x", STATIC_BASE + "../../config.py",
               STATIC_BASE + "lms/%2e%2e/%2e%2e/config.py", STATIC_BASE + "lms/missing.css",
               COURSE_ASSETS + "logo.svg", "https://static.lms.invalid.example.org/lms/style.css"]
    for url in refused:
        with pytest.raises((RefusedURL, ValueError)):
            fetcher(url)
    assert fetcher("data:text/plain,hi").read() == b"hi"


def test_rendering_never_reads_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TEXT")
    html = (f'<link rel="stylesheet" href="file://{tmp_path}/x.css">'
            f'<object data="file://{secret}"></object><img src="http://127.0.0.1:9/x.png">'
            f'<iframe src="file://{secret}"></iframe><p>hello</p>')
    pdf = render_certificate_pdf(html, STATIC_BASE, url_fetcher=certificate_fetcher())
    text = pdf_text(pdf, tmp_path)
    assert "hello" in text and "TOP-SECRET" not in text


def test_a_course_can_ship_its_own_template(render_app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "course" / "certificate"
    folder.mkdir(parents=True)
    (folder / "certificate.html").write_text(
        '<html><head><link rel="stylesheet" href="style.css"></head><body>'
        "<h1>Attestato speciale</h1><p>{{ certificate.printed_name }} · "
        "{{ certificate.code }}</p><img src=\"{{ qr_data_uri }}\"></body></html>",
        encoding="utf-8")
    (folder / "style.css").write_text("@page { size: A5 }", encoding="utf-8")
    with render_app.app_context():
        pdf = certificate_pdf_bytes(transient_certificate("Ana <b>Bold</b>"),
                                    source_dir=str(tmp_path / "course"))
    text = pdf_text(pdf, tmp_path)
    assert "Attestato speciale" in text and "Ana <b>Bold</b>" in text


def test_a_course_template_runs_sandboxed(render_app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "course" / "certificate"
    folder.mkdir(parents=True)
    (folder / "certificate.html").write_text(
        "{{ certificate.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    from jinja2.exceptions import SecurityError

    with render_app.app_context(), pytest.raises(SecurityError):
        certificate_pdf_bytes(transient_certificate("Ana"), source_dir=str(tmp_path / "course"))


# --- pages -------------------------------------------------------------------------------

@pytest.fixture
def issued(learner: User) -> Certificate:
    certificate = complete_and_claim(learner)
    services.render_pdf(certificate.id, now=utcnow())
    return certificate


def test_learner_downloads_the_stored_pdf(client: FlaskClient, login: Callable[[User], None],
                                          learner: User, issued: Certificate,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    login(learner)
    page = client.get("/certificates/")
    assert page.status_code == 200
    assert issued.code in page.text and "Sample course" in page.text
    assert f"/certificates/{issued.code}.pdf" in page.text
    assert f"/verify/{issued.code}" in page.text
    assert "My certificates" in page.text  # the nav link
    stored = issued.pdf

    def no_rendering(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a download must not re-render")

    monkeypatch.setattr("lms.certificates.document.certificate_pdf_bytes", no_rendering)
    response = client.get(f"/certificates/{issued.code}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=certificate-{SLUG}-{issued.code}.pdf")
    assert response.data == stored
    # Typed in lower case, the code still finds the owner's certificate.
    assert client.get(f"/certificates/{issued.code.lower()}.pdf").data == stored
    # As a served request reads it (no transaction of the test's own in the way): the
    # signed-in user and the certificate, on the driver's cursor (lms.db_reads).
    code = issued.code
    db.session.remove()
    with count_queries() as statements:
        again = client.get(f"/certificates/{code}.pdf")
    assert again.data == stored and len(statements) == 2, statements


def test_another_learner_gets_404(client: FlaskClient, login: Callable[[User], None],
                                  make_user: Callable[..., User], issued: Certificate) -> None:
    assert client.get(f"/certificates/{issued.code}.pdf").status_code == 302  # log in first
    login(make_user())
    assert client.get(f"/certificates/{issued.code}.pdf").status_code == 404
    assert client.get("/certificates/NOT-A-CODE.pdf").status_code == 404
    assert issued.code not in client.get("/certificates/").text


def test_a_missing_pdf_is_rendered_once_on_download(client: FlaskClient,
                                                    login: Callable[[User], None],
                                                    learner: User, issued: Certificate) -> None:
    issued.pdf = None
    db.session.commit()
    login(learner)
    first = client.get(f"/certificates/{issued.code}.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    db.session.expire_all()
    assert db.session.get(Certificate, issued.id).pdf == first.data


def test_learner_sets_the_printed_name(client: FlaskClient, login: Callable[[User], None],
                                       learner: User) -> None:
    login(learner)
    page = client.get("/certificates/")
    assert 'value="Giulia Nicolò D&#39;Angelo"' in page.text
    bad = client.post("/certificates/", data={"printed_name": "   ", "language": "en"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.text
    bad = client.post("/certificates/", data={"printed_name": "x" * 121, "language": "en"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.text
    good = client.post("/certificates/", data={"printed_name": "ليلى عبد الرحمن",
                                               "language": "ar"})
    assert good.status_code == 302
    certificate = complete_and_claim(learner)
    assert (certificate.printed_name, certificate.language) == ("ليلى عبد الرحمن", "ar")


def test_verify_shows_a_valid_certificate_without_login(client: FlaskClient,
                                                        issued: Certificate,
                                                        learner: User) -> None:
    response = client.get(f"/verify/{issued.code}")
    assert response.status_code == 200
    for expected in ("Valid", "Giulia Nicolò D&#39;Angelo", "Sample course", "1.0"):
        assert expected in response.text
    assert learner.username not in response.text
    assert "Revoke this certificate" not in response.text
    # Typed loosely, the code is redirected to its canonical form.
    loose = issued.code.lower().replace("-", " ").replace("0", "o")
    redirect = client.get(f"/verify/{loose}")
    assert redirect.status_code == 301
    assert redirect.headers["Location"].endswith(f"/verify/{issued.code}")
    search = client.get("/verify/", query_string={"code": issued.code.lower()})
    assert search.status_code == 302 and search.headers["Location"].endswith(issued.code)


def test_verify_is_shown_in_the_viewers_language(client: FlaskClient,
                                                 issued: Certificate) -> None:
    response = client.get(f"/verify/{issued.code}", headers={"Accept-Language": "ar"})
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ", "not-a-code", "K7QM-3XF9-T2HU",
                                  "%3Cscript%3E", "x" * 300])
def test_unknown_or_malformed_codes_get_404_with_the_form(client: FlaskClient, synced: None,
                                                          code: str) -> None:
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    assert 'name="code"' in response.text and "Certificate not found" in response.text
    assert "<script>" not in response.text


def test_verify_form(client: FlaskClient, synced: None) -> None:
    page = client.get("/verify/")
    assert page.status_code == 200 and 'name="code"' in page.text
    bad = client.get("/verify/", query_string={"code": "hello"})
    assert bad.status_code == 404 and "This is not a certificate code" in bad.text
    unknown = client.get("/verify/", query_string={"code": "zzzz zzzz zzzz"})
    assert unknown.status_code == 302
    assert client.get(unknown.headers["Location"]).status_code == 404


def test_admin_revokes_a_certificate(client: FlaskClient, login: Callable[[User], None],
                                     make_user: Callable[..., User],
                                     issued: Certificate) -> None:
    teacher = make_user(role="teacher")
    login(teacher)
    assert client.get(f"/certificates/{issued.code}/revoke").status_code == 403
    assert client.post(f"/certificates/{issued.code}/revoke",
                       data={"reason": "x"}).status_code == 403
    client.post("/account/logout")
    login(make_user(role="admin"))
    assert "Revoke this certificate" in client.get(f"/verify/{issued.code}").text
    assert client.get("/certificates/ZZZZ-ZZZZ-ZZZZ/revoke").status_code == 404
    empty = client.post(f"/certificates/{issued.code}/revoke", data={"reason": "   "})
    assert empty.status_code == 200 and 'aria-invalid="true"' in empty.text
    done = client.post(f"/certificates/{issued.code}/revoke",
                       data={"reason": "Issued by mistake: the quiz was not taken."})
    assert done.status_code == 302
    client.post("/account/logout")
    page = client.get(f"/verify/{issued.code}")
    assert page.status_code == 200
    assert "Revoked" in page.text and "Issued by mistake" in page.text
    assert "Valid:" not in page.text
    db.session.expire_all()
    revoked = db.session.get(Certificate, issued.id)
    assert revoked.revoked_at is not None
    assert str(revoked.revoked_at.year) in page.text


def test_a_revoked_certificate_pdf_is_gone(client: FlaskClient, login: Callable[[User], None],
                                          learner: User, issued: Certificate) -> None:
    """The stored PDF carries no mark of revocation: handing it out would let it pass for a
    valid certificate. 410 Gone, in the page's language, with a link to the verification page."""
    services.revoke_certificate(issued.code, "Issued by mistake.", by_user_id=None,
                                now=utcnow())
    login(learner)
    response = client.get(f"/certificates/{issued.code}.pdf")
    assert response.status_code == 410
    assert response.mimetype == "text/html"
    assert not response.data.startswith(b"%PDF")
    assert f'href="/verify/{issued.code}"' in response.text
    assert "This certificate was revoked" in response.text
    assert f"/certificates/{issued.code}.pdf" not in client.get("/certificates/").text
    italian = client.get(f"/certificates/{issued.code}.pdf",
                         headers={"Accept-Language": "it"})
    assert italian.status_code == 410 and "revocato" in italian.text


def test_revoke_service_refuses_bad_input(issued: Certificate) -> None:
    with pytest.raises(LookupError):
        services.revoke_certificate("ZZZZ-ZZZZ-ZZZZ", "why", by_user_id=None, now=utcnow())
    with pytest.raises(services.CertificateError):
        services.revoke_certificate(issued.code, "y" * 501, by_user_id=None, now=utcnow())


def test_rerender_pdfs_command_rerenders(runner: object, issued: Certificate) -> None:
    before = issued.pdf_rendered_at
    result = runner.invoke(args=["certificates", "rerender-pdfs", "--course", SLUG])  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert "1 certificate(s) re-rendered, 0 failed" in result.output
    db.session.expire_all()
    rendered = db.session.get(Certificate, issued.id).pdf_rendered_at
    assert rendered > before
    assert db.session.scalar(select(func.count(Certificate.id))) == 1  # no new certificate
    nothing = runner.invoke(args=["certificates", "rerender-pdfs", "--course", "nope"])  # type: ignore[attr-defined]
    assert "no certificates" in nothing.output


def test_the_old_reissue_name_still_works_but_is_not_offered(runner: object,
                                                            issued: Certificate) -> None:
    # "reissue" on the web makes a new certificate with a new code; this command never did.
    listing = runner.invoke(args=["certificates", "--help"])  # type: ignore[attr-defined]
    assert "rerender-pdfs" in listing.output and "reissue" not in listing.output
    old = runner.invoke(args=["certificates", "reissue", "--course", SLUG])  # type: ignore[attr-defined]
    assert old.exit_code == 0, old.output
    assert "1 certificate(s) re-rendered, 0 failed" in old.output
    assert "is now `lms certificates rerender-pdfs`" in old.output


def test_courses_completed_before_certificates_are_ready_to_claim_on_the_page(
        client: FlaskClient, login: Callable[[User], None], learner: User) -> None:
    db.session.get(Course, course_id()).certificate_enabled = False
    db.session.commit()
    complete_course(learner)
    assert count_certificates() == 0
    db.session.get(Course, course_id()).certificate_enabled = True
    db.session.commit()
    login(learner)
    page = client.get("/certificates/").text
    assert "Sample course" in page and f"/certificates/claim/{SLUG}" in page
    assert count_certificates() == 0


def test_certificate_text_is_in_the_certificates_language(render_app: Flask,
                                                          tmp_path: Path) -> None:
    with render_app.app_context():
        pdf = certificate_pdf_bytes(transient_certificate("Ana", "it"), source_dir=None)
    text = pdf_text(pdf, tmp_path)
    assert "Attestato di completamento" in text and "Si attesta che" in text


def test_the_completed_course_page_links_to_certificates(
        client: FlaskClient, login: Callable[[User], None], issued: Certificate,
        learner: User) -> None:
    login(learner)
    page = client.get(f"/courses/{SLUG}/")
    assert page.status_code == 200
    assert 'href="/certificates/"' in page.text.split("<main", 1)[1]
