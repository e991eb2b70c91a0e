"""Certificates are claimed after the learner confirms the printed name, never rendered in the
quiz POST, reissued after a name fix, claimable again after a correctable revocation; the
verification page shows the history without earlier names."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.auth.models import User
from lms.certificates import claims, services
from lms.certificates.models import Certificate
from lms.certificates.naming import CertificateError, clean_printed_name, suggest_printed_name
from lms.courses.models import Item
from lms.db import db, utcnow
from lms.progress.services import mark_item_complete
from tests.test_certificates import SLUG, complete_course, course_id, required_items
from tests.test_quiz_taking import CHECK, take

CLAIM = f"/certificates/claim/{SLUG}"
TYPED = "Giulia 😀 <b>Rossi</b>"


def count() -> int:
    return db.session.scalar(select(func.count(Certificate.id))) or 0


def shown(page: str) -> str:
    match = re.search(r'name="shown_name" type="hidden" value="([^"]*)"', page)
    assert match, "no shown_name in the page"
    return match.group(1)


@pytest.fixture
def learner(make_user: Callable[..., User], login: Callable[[User], None], synced: None) -> User:
    user = make_user(display_name=TYPED)
    login(user)
    return user


# --- the printed name --------------------------------------------------------------------

@pytest.mark.parametrize("name", [TYPED, "Ana 😀", "<b>Ana</b>", "Ana &amp; Bo", "Ana ★",
                                  "Ana \u2764\ufe0f", "😀", "<i></i>"])
def test_markup_and_what_the_fonts_cannot_draw_are_refused(name: str) -> None:
    with pytest.raises(CertificateError):
        clean_printed_name(name)


@pytest.mark.parametrize(("raw", "suggestion"), [
    (TYPED, "Giulia Rossi"), ("😀", ""), ("<b></b>", ""), ("Zoë 👩\u200d💻 Müller", "Zoë Müller"),
    ("ليلى عبد\u200cالرحمن 🌙", "ليلى عبد\u200cالرحمن"), ("Ana &amp; Bo", "Ana & Bo"),
])
def test_the_suggestion_removes_what_cannot_print(raw: str, suggestion: str) -> None:
    assert suggest_printed_name(raw) == suggestion


# --- claiming ----------------------------------------------------------------------------

def test_the_learner_confirms_the_name_as_printed_before_anything_is_issued(
        client: FlaskClient, learner: User) -> None:
    complete_course(learner)
    mine = client.get("/certificates/").text
    assert CLAIM in mine and "Ready to claim" in mine
    page = client.get(CLAIM)
    assert page.status_code == 200 and shown(page.text) == "Giulia Rossi"
    assert 'id="printed-name">Giulia Rossi<' in page.text
    assert count() == 0
    # A corrected name is shown as printed first, and only the next POST issues.
    edited = client.post(CLAIM, data={"printed_name": "  Giulia   Maria Rossi ",
                                      "language": "en", "shown_name": "Giulia Rossi"})
    assert edited.status_code == 200 and shown(edited.text) == "Giulia Maria Rossi"
    assert count() == 0
    refused = client.post(CLAIM, data={"printed_name": TYPED, "language": "en",
                                       "shown_name": "Giulia Maria Rossi"})
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    assert count() == 0
    done = client.post(CLAIM, data={"printed_name": "Giulia Maria Rossi", "language": "it",
                                    "shown_name": "Giulia Maria Rossi"})
    assert done.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert (certificate.printed_name, certificate.language) == ("Giulia Maria Rossi", "it")
    assert certificate.pdf is None  # rendered on the first download
    assert services.get_preference(learner.id).printed_name == "Giulia Maria Rossi"
    # Claimed: the page sends back to the list, and nothing more is issued.
    assert client.get(CLAIM).status_code == 302
    assert client.post(CLAIM, data={"printed_name": "X", "shown_name": "X",
                                    "language": "en"}).status_code == 302
    assert count() == 1
    pdf = client.get(f"/certificates/{certificate.code}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_nothing_to_claim_before_completion(client: FlaskClient, learner: User) -> None:
    assert client.get(CLAIM).status_code == 302
    assert client.post(CLAIM, data={"printed_name": "Ana", "shown_name": "Ana",
                                    "language": "en"}).status_code == 302
    assert count() == 0


def test_the_quiz_post_that_completes_the_course_renders_no_pdf(
        client: FlaskClient, learner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    check = db.session.scalar(select(Item.id).where(Item.slug == "check"))
    assert check in required_items(course_id())
    for item_id in required_items(course_id()):
        if item_id != check:
            mark_item_complete(learner.id, item_id, now=utcnow())
    rendered: list[object] = []

    def renderer(*args: object, **kwargs: object) -> bytes:
        rendered.append(args)
        raise AssertionError("no PDF may be rendered in the quiz POST")

    monkeypatch.setattr("lms.certificates.document.certificate_pdf_bytes", renderer)
    monkeypatch.setattr("lms.pdf.render_pdf", renderer)
    response = take(client, learner, CHECK, "check")
    assert response.status_code == 302 and not rendered
    result = client.get(response.headers["Location"]).text
    assert "completed the course" in result and f'href="{CLAIM}"' in result
    assert count() == 0


# --- reissuing -----------------------------------------------------------------------------

def claim(user: User, name: str = "Giulia Rossi") -> Certificate:
    complete_course(user)
    return claims.claim_certificate(user.id, SLUG, name, None, shown_name=name, now=utcnow())


def test_the_learner_reissues_once_then_only_an_admin(
        client: FlaskClient, learner: User, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    old = claim(learner, "Giula Rossi")
    old_code = old.code
    url = f"/certificates/{old_code}/reissue"
    assert url in client.get("/certificates/").text
    assert client.post(url, data={"printed_name": "Giula Rossi",
                                  "shown_name": "Giula Rossi"}).status_code == 400
    preview = client.post(url, data={"printed_name": "Giulia Rossi", "shown_name": "Giula Rossi"})
    assert preview.status_code == 200 and shown(preview.text) == "Giulia Rossi"
    done = client.post(url, data={"printed_name": "Giulia Rossi", "shown_name": "Giulia Rossi"})
    assert done.status_code == 302
    db.session.expire_all()
    old = db.session.scalar(select(Certificate).where(Certificate.code == old_code))
    new = services.current_certificate(learner.id, course_id())
    assert new is not None and new.code != old_code and new.printed_name == "Giulia Rossi"
    assert old.is_reissued and old.replaced_by_id == new.id and old.pdf is None
    # The old PDF is not handed out again; the old code verifies and leads to the new one.
    assert client.get(f"/certificates/{old_code}.pdf").status_code == 410
    page = client.get(f"/verify/{old_code}").text
    assert "Reissued" in page and f"/verify/{new.code}" in page
    assert "Giulia Rossi" in page and "Giula Rossi" not in page
    assert "Giula Rossi" not in client.get(f"/verify/{new.code}").text
    # Once only: the link is gone and the page refuses.
    assert f"/certificates/{new.code}/reissue" not in client.get("/certificates/").text
    assert client.get(f"/certificates/{new.code}/reissue").status_code == 403
    # Another learner sees nothing; an admin can reissue again.
    login(make_user())
    assert client.get(f"/certificates/{new.code}/reissue").status_code == 404
    login(make_user(role="admin"))
    assert f"/certificates/{new.code}/reissue" in client.get(f"/verify/{new.code}").text
    again = client.post(f"/certificates/{new.code}/reissue",
                        data={"printed_name": "Giulia M. Rossi",
                              "shown_name": "Giulia M. Rossi"})
    assert again.status_code == 302
    latest = services.current_certificate(learner.id, course_id())
    assert latest is not None and latest.printed_name == "Giulia M. Rossi"
    history = client.get(f"/verify/{old_code}").text
    assert all(c in history for c in (old_code, new.code, latest.code))
    assert "Giulia M. Rossi" in history and "Giula Rossi" not in history
    assert count() == 3
    listed = client.get("/admin/certificates/?status=reissued").text
    assert old_code in listed and new.code in listed and latest.code not in listed


def test_a_correctable_revocation_lets_the_learner_claim_again(
        client: FlaskClient, learner: User) -> None:
    old = claim(learner)
    services.revoke_certificate(old.code, "Wrong name", by_user_id=None, now=utcnow(),
                                correctable=True)
    assert CLAIM in client.get("/certificates/").text
    again = client.post(CLAIM, data={"printed_name": "Giulia Rossi", "language": "en",
                                     "shown_name": "Giulia Rossi"})
    assert again.status_code == 302
    new = services.current_certificate(learner.id, course_id())
    assert new is not None and new.code != old.code
    page = client.get(f"/verify/{old.code}").text
    assert "Revoked" in page and f"/verify/{new.code}" in page


def test_a_final_revocation_cannot_be_claimed_again(client: FlaskClient,
                                                    learner: User) -> None:
    old = claim(learner)
    services.revoke_certificate(old.code, "Misconduct", by_user_id=None, now=utcnow())
    assert claims.claimable_courses(learner.id) == []
    assert CLAIM not in client.get("/certificates/").text
    assert client.post(CLAIM, data={"printed_name": "Giulia Rossi", "language": "en",
                                    "shown_name": "Giulia Rossi"}).status_code == 302
    assert count() == 1


def test_the_admin_marks_a_revocation_correctable_on_the_form(
        client: FlaskClient, learner: User, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    old = claim(learner)
    login(make_user(role="admin"))
    form = client.get(f"/certificates/{old.code}/revoke").text
    assert 'name="correctable"' in form
    done = client.post(f"/certificates/{old.code}/revoke",
                       data={"reason": "The name was misspelt", "correctable": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, old.id).revoked_correctable
    assert [c.course_slug for c in claims.claimable_courses(learner.id)] == [SLUG]


def test_a_name_of_only_emoji_or_markup_gets_a_clear_message(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None], synced: None) -> None:
    user = make_user(display_name="😀😀")
    login(user)
    complete_course(user)
    page = client.get(CLAIM).text
    assert "no printable name yet" in page and shown(page) == ""
    for typed in ("😀", "<b></b>", ""):
        refused = client.post(CLAIM, data={"printed_name": typed, "language": "en",
                                           "shown_name": ""})
        assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    assert "cannot print" in client.post(CLAIM, data={
        "printed_name": "😀", "language": "en", "shown_name": ""}).text
    assert count() == 0
