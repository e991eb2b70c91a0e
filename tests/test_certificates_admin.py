"""The admin's list of issued certificates: filters, search, pages, roles, odd input, queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from querycount import count_queries

from lms.auth.models import User
from lms.certificates.codes import new_code
from lms.certificates.listing import PAGE_SIZE, CertificateFilter, Status, list_certificates
from lms.certificates.models import Certificate
from lms.db import db

URL = "/admin/certificates/"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_certificates(count: int, *, start: int = 0, **fields: Any) -> list[Certificate]:
    """``count`` certificates issued a minute apart (the last one newest), stored directly:
    no course, no PDF, so hundreds cost nothing."""
    made = []
    for number in range(start, start + count):
        values: dict[str, Any] = {
            "code": new_code(), "course_slug": "water-safety", "course_title": "Water safety",
            "course_version": "2.1", "language": "en", "printed_name": f"Learner {number:04d}",
            "completed_at": START + timedelta(minutes=number),
            "issued_at": START + timedelta(minutes=number),
        }
        values.update(fields)
        made.append(Certificate(**values))
    db.session.add_all(made)
    db.session.commit()
    return made


def rows(page: str) -> int:
    return page.count('<th scope="row">')


def codes_shown(page: str) -> list[str]:
    return re.findall(r'class="certificate-code" dir="ltr" href="[^"]*">([0-9A-Z-]{14})<', page)


@pytest.fixture
def admin_client(client: FlaskClient, make_user: Callable[..., User],
                 login: Callable[[User], None]) -> FlaskClient:
    login(make_user("admin"))
    return client


@pytest.fixture
def sample() -> dict[str, Certificate]:
    """Three certificates: two courses, one revoked, names in three scripts."""
    amara, = add_certificates(1, printed_name="Amara Nwosu-Okafor", language="it",
                              course_title="Sicurezza in acqua", course_version="2.1")
    (karim,) = add_certificates(1, start=1, printed_name="كريم الحسيني بن علي",
                                course_slug="first-aid", course_title="First aid basics",
                                course_version="1.0", language="ar",
                                revoked_at=START + timedelta(days=3),
                                revoked_reason="Issued to the wrong account by mistake")
    (zoe,) = add_certificates(1, start=2, printed_name="Zoë Müller-Ferreira")
    return {"amara": amara, "karim": karim, "zoe": zoe}


# --- the list --------------------------------------------------------------------------

def test_admin_sees_every_certificate_newest_first(admin_client: FlaskClient,
                                                   sample: dict[str, Certificate]) -> None:
    page = admin_client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert codes_shown(text) == [sample["zoe"].code, sample["karim"].code, sample["amara"].code]
    assert "Zoë Müller-Ferreira" in text and "كريم الحسيني بن علي" in text
    assert "Sicurezza in acqua" in text and "version 2.1" in text
    assert "Italiano" in text  # the language by (its own) name
    assert "Mar 2, 2026" in text  # issued date, localised
    assert f'href="/verify/{sample["zoe"].code}"' in text
    # Revoked: text (not only colour), the date and the reason.
    assert "Revoked" in text and "on Mar 5, 2026" in text
    assert "Issued to the wrong account by mistake" in text
    assert "3 certificates" in text
    assert 'href="/admin/certificates/"' in admin_client.get("/courses/").text  # nav link


def test_list_is_translated(admin_client: FlaskClient, sample: dict[str, Certificate]) -> None:
    admin_client.post("/language", data={"language": "it", "next": URL})
    text = admin_client.get(URL).text
    assert "Attestati rilasciati" in text and "Revocato" in text and "2 mar 2026" in text


def test_empty_list_says_so(admin_client: FlaskClient) -> None:
    page = admin_client.get(URL)
    assert page.status_code == 200 and "No certificates have been issued yet." in page.text


# --- filters and search ----------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ({"course": "first-aid"}, ["karim"]),
    ({"course": "water-safety"}, ["zoe", "amara"]),
    ({"course": "no-such-course-at-all"}, []),
    ({"status": "revoked"}, ["karim"]),
    ({"status": "valid"}, ["zoe", "amara"]),
    ({"status": "valid", "course": "first-aid"}, []),
    ({"q": "müller"}, ["zoe"]),
    ({"q": "NWOSU"}, ["amara"]),
    ({"q": "الحسيني"}, ["karim"]),
    ({"q": "  Amara  "}, ["amara"]),
])
def test_filters_and_search(admin_client: FlaskClient, sample: dict[str, Certificate],
                            query: dict[str, str], expected: list[str]) -> None:
    page = admin_client.get(URL, query_string=query)
    assert page.status_code == 200
    assert codes_shown(page.text) == [sample[name].code for name in expected]
    if not expected:
        assert "No certificate matches these filters." in page.text


def test_search_by_code_whole_or_part_any_case(admin_client: FlaskClient,
                                               sample: dict[str, Certificate]) -> None:
    code = sample["karim"].code
    for typed in (code, code.lower(), code.replace("-", ""), code[5:12].lower(),
                  code.replace("-", " ")):
        assert codes_shown(admin_client.get(URL, query_string={"q": typed}).text) == [code]


def test_course_filter_offers_courses_with_certificates(admin_client: FlaskClient,
                                                        sample: dict[str, Certificate]) -> None:
    text = admin_client.get(URL, query_string={"course": "first-aid"}).text
    assert '<option selected value="first-aid">First aid basics</option>' in text
    assert '<option value="water-safety">' in text


# --- odd input never breaks the page ---------------------------------------------------

@pytest.mark.parametrize("term", [
    "%", "_", "%%", "\\", "\\%", "a%b", "' OR 1=1 --", "x" * 5000, "<script>alert(1)</script>",
    "\u202eevil", "😀", "ß", "   ", "[abc]", "*", "K7QM-",
])
def test_odd_search_input_is_safe(admin_client: FlaskClient, sample: dict[str, Certificate],
                                  term: str) -> None:
    page = admin_client.get(URL, query_string={"q": term, "status": "valid"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert set(codes_shown(page.text)) <= {s.code for s in sample.values()}


def test_nul_bytes_are_refused_like_everywhere_else(admin_client: FlaskClient) -> None:
    # lms.security refuses NUL in any parameter (PostgreSQL cannot store it): 400, not 500.
    assert admin_client.get(URL, query_string={"q": "nul\x00byte"}).status_code == 400


def test_wildcards_match_themselves(admin_client: FlaskClient) -> None:
    # Fixed codes: "e_C" also reads as the code fragment "EC", which a random code can hold.
    percent, underscore, plain = (
        add_certificates(1, start=n, printed_name=name, code=f"2222-3333-444{n}")[0]
        for n, name in enumerate(["Full 100% Attendance Award", "Snake_Case Learner Name",
                                  "Plain Learner Without Marks"]))
    assert codes_shown(admin_client.get(URL, query_string={"q": "%"}).text) == [percent.code]
    assert codes_shown(admin_client.get(URL, query_string={"q": "_"}).text) == [underscore.code]
    assert codes_shown(admin_client.get(URL, query_string={"q": "e_C"}).text) == [
        underscore.code]
    assert plain.code not in admin_client.get(URL, query_string={"q": "l%r"}).text


def test_over_long_search_says_so_and_filters_nothing(admin_client: FlaskClient,
                                                      sample: dict[str, Certificate]) -> None:
    page = admin_client.get(URL, query_string={"q": "y" * 5000})
    assert page.status_code == 200
    assert "Field cannot be longer than 200 characters." in page.text
    assert len(codes_shown(page.text)) == 3


def test_unknown_status_is_an_error_not_a_crash(admin_client: FlaskClient,
                                                sample: dict[str, Certificate]) -> None:
    page = admin_client.get(URL, query_string={"status": "<b>expired</b>"})
    assert page.status_code == 200 and "Not a valid choice" in page.text
    assert len(codes_shown(page.text)) == 3


# --- pages -----------------------------------------------------------------------------

def test_pages_of_fifty_with_previous_and_next(admin_client: FlaskClient) -> None:
    made = add_certificates(PAGE_SIZE * 2 + 7)
    newest_first = [c.code for c in reversed(made)]
    first = admin_client.get(URL).text
    assert codes_shown(first) == newest_first[:PAGE_SIZE]
    assert "Page 1 of 3" in first and 'rel="prev"' not in first
    assert 'rel="next" href="/admin/certificates/?page=2"' in first
    last = admin_client.get(URL, query_string={"page": "3"}).text
    assert codes_shown(last) == newest_first[PAGE_SIZE * 2:]
    assert 'rel="prev" href="/admin/certificates/?page=2"' in last and 'rel="next"' not in last


def test_page_links_keep_the_filters(admin_client: FlaskClient) -> None:
    add_certificates(PAGE_SIZE + 1, printed_name="Repeated Learner Nomvula")
    add_certificates(3, start=500, printed_name="Somebody Entirely Different")
    page = admin_client.get(URL, query_string={"q": "nomvula", "status": "valid"}).text
    link = re.search(r'rel="next" href="([^"]+)"', page)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query == {"page": ["2"], "q": ["nomvula"], "status": ["valid"]}
    second = admin_client.get(link.group(1).replace("&amp;", "&")).text
    assert len(codes_shown(second)) == 1 and "Somebody Entirely Different" not in second


@pytest.mark.parametrize(("page", "status"), [
    ("abc", 200), ("", 200), ("1.5", 200), ("9" * 5000, 200), ("1", 200),
    ("2", 200), ("3", 404), ("0", 404), ("-1", 404), ("99999999999999999999999999", 404),
])
def test_page_numbers_out_of_range(admin_client: FlaskClient, page: str, status: int) -> None:
    add_certificates(PAGE_SIZE + 1)
    assert admin_client.get(URL, query_string={"page": page}).status_code == status


def test_service_pages(app: Flask) -> None:
    assert list_certificates(CertificateFilter(), page=0) is None
    empty = list_certificates(CertificateFilter(status=Status.REVOKED), page=1)
    assert empty is not None and empty.total == 0 and empty.pages == 1 and not empty.has_next


# --- who may see it --------------------------------------------------------------------

@pytest.mark.parametrize("role", ["student", "teacher", "trainer"])
def test_other_roles_are_refused(client: FlaskClient, make_user: Callable[..., User],
                                 login: Callable[[User], None], role: str) -> None:
    add_certificates(1, printed_name="Hidden From Non Admins")
    login(make_user(role))
    page = client.get(URL)
    assert page.status_code == 403 and "Hidden From Non Admins" not in page.text
    assert 'href="/admin/certificates/"' not in client.get("/courses/").text


def test_anonymous_is_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# --- revoking from the list ------------------------------------------------------------

def test_revoke_from_the_list_returns_to_the_same_list(admin_client: FlaskClient,
                                                       sample: dict[str, Certificate]) -> None:
    code = sample["zoe"].code
    listed = admin_client.get(URL, query_string={"status": "valid", "q": "zo"}).text
    link = re.search(rf'href="(/certificates/{code}/revoke\?next=[^"]+)"', listed)
    assert link is not None
    revoke_url = link.group(1).replace("&amp;", "&")
    assert admin_client.get(revoke_url).status_code == 200  # the existing revoke page
    response = admin_client.post(revoke_url, data={"reason": "Duplicate of another record"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{URL}?status=valid&q=zo"
    revoked = admin_client.get(URL, query_string={"status": "revoked"}).text
    assert code in revoked and "Duplicate of another record" in revoked


def test_revoke_never_follows_another_site(admin_client: FlaskClient,
                                           sample: dict[str, Certificate]) -> None:
    code = sample["amara"].code
    response = admin_client.post(f"/certificates/{code}/revoke?next=//evil.example.org/",
                                 data={"reason": "Testing the redirect target"})
    assert response.headers["Location"] == f"/verify/{code}"


# --- a constant number of queries ------------------------------------------------------



def test_query_count_does_not_grow_with_the_page(admin_client: FlaskClient) -> None:
    counts = []
    for count, start, shown in ((2, 0, 2), (PAGE_SIZE * 2, 100, PAGE_SIZE)):
        add_certificates(count, start=start, revoked_at=START, revoked_reason="Old record",
                         course_slug=f"course-{count}", course_title=f"Course {count}")
        with count_queries() as statements:
            page = admin_client.get(URL)
        assert page.status_code == 200
        assert rows(page.text) == shown
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 6, counts
