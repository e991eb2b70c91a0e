"""Open Badges 3.0: what a credential says (checked against 1EdTech's JSON Schema), its
signature (checked with jwcrypto, not the signing library), revocation through the status
list, key rotation and withdrawal, baking, and a deleted account."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from PIL import Image
from sqlalchemy import select

from lms.auth.models import User
from lms.badges.models import BadgeKey
from lms.certificates import services as certificate_services
from lms.courses.models import CourseText
from lms.db import db, utcnow
from lms.privacy.services import delete_account, export_user_data
from tests.badges_support import (
    check,
    claim,
    download,
    schema_errors,
    site_keys,
    verify_with_jwcrypto,
)


@pytest.fixture
def learner(make_user: Callable[..., User], synced: None) -> User:
    return make_user(display_name="Giulia Nicolò D'Angelo", email="Giulia@Example.org")


@pytest.fixture
def owner(client: FlaskClient, login: Callable[[User], None], learner: User) -> User:
    login(learner)
    return learner


def status_bit(client: FlaskClient, credential: dict) -> bool:
    """The credential's revocation bit, read from the signed status list as a verifier does."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    path = entry["statusListCredential"].removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200
    payload = verify_with_jwcrypto(response.get_data(as_text=True), site_keys(client))
    encoded = payload["vc"]["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bits) * 8 >= 131_072  # the spec's minimum size, for herd privacy
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_credential_follows_the_ob3_schema_and_says_what_was_earned(
        client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    payload = verify_with_jwcrypto(download(client, certificate.code), site_keys(client))
    credential = payload["vc"]
    assert schema_errors(credential) == []
    assert credential["@context"][:2] == ["https://www.w3.org/ns/credentials/v2",
                                          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert "OpenBadgeCredential" in credential["type"]
    assert payload["jti"] == credential["id"] and payload["iss"] == credential["issuer"]["id"]
    assert credential["issuer"]["name"] == "Global Citizenship Learning"
    assert credential["issuer"]["url"].startswith("http://localhost")
    achievement = credential["credentialSubject"]["achievement"]
    summary = db.session.scalar(select(CourseText.summary).where(
        CourseText.course_id == certificate.course_id, CourseText.language == "en"))
    assert achievement["name"] == certificate.course_title == "Sample course"
    assert achievement["description"] == summary
    assert achievement["version"] == "1.0"
    assert "Sample course" in achievement["criteria"]["narrative"]
    assert achievement["image"]["id"].endswith("/badges/achievements/sample-course.png")
    assert credential["validFrom"].endswith("Z")
    # The holder: a salted hash of their email, no name unless they ask for it.
    (identity,) = credential["credentialSubject"]["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    expected = hashlib.sha256(("giulia@example.org" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected
    assert "Giulia" not in json.dumps(credential)
    assert check(client, download(client, certificate.code))["status"] == "valid"


def test_the_learner_may_include_their_name(client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    credential = verify_with_jwcrypto(download(client, certificate.code, name=True),
                                      site_keys(client))["vc"]
    assert schema_errors(credential) == []
    names = [i for i in credential["credentialSubject"]["identifier"]
             if i["identityType"] == "name"]
    assert names == [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                      "identityHash": "Giulia Nicolò D'Angelo"}]


def test_the_italian_certificate_speaks_italian(client: FlaskClient, owner: User) -> None:
    certificate_services.set_preference(owner.id, "Giulia Rossi", "it", now=utcnow())
    certificate = claim(owner)
    credential = verify_with_jwcrypto(download(client, certificate.code), site_keys(client))["vc"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Corso di esempio"
    assert achievement["description"] == "Un piccolo corso che usa ogni parte del formato."
    assert achievement["inLanguage"] == "it"
    assert "Corso di esempio" in achievement["criteria"]["narrative"]
    assert "Completed" not in achievement["criteria"]["narrative"]


def test_one_changed_character_breaks_the_signature(client: FlaskClient, owner: User) -> None:
    token = download(client, claim(owner).code)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["vc"]["name"] = claims["vc"]["name"][:-1] + "X"  # one character changed
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{forged}.{signature}"
    with pytest.raises(JWException):
        verify_with_jwcrypto(tampered, site_keys(client))
    answer = check(client, tampered)
    assert (answer["status"], answer["code"]) == ("invalid", "bad_signature")
    # A single character flipped in the signature itself, too.
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert check(client, flipped)["code"] == "bad_signature"


def test_a_credential_signed_by_another_key_is_invalid(client: FlaskClient, owner: User) -> None:
    token = download(client, claim(owner).code)
    original = jws.JWS()
    original.deserialize(token)
    impostor = jwk.JWK.generate(kty="RSA", size=2048)
    forged = jws.JWS(original.objects["payload"])
    forged.add_signature(impostor, alg="RS256", protected=json.dumps(original.jose_header))
    forged_token = forged.serialize(compact=True)
    with pytest.raises(JWException):
        verify_with_jwcrypto(forged_token, site_keys(client))
    assert check(client, forged_token)["code"] == "bad_signature"
    # Named as another key entirely: refused before any signature check.
    other = jws.JWS(original.objects["payload"])
    other.add_signature(impostor, alg="RS256",
                        protected=json.dumps({"alg": "RS256", "kid": "https://evil/keys/x"}))
    assert check(client, other.serialize(compact=True))["code"] == "unknown_key"


def test_revoking_updates_the_status_list_at_once(client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    token = download(client, certificate.code)
    credential = verify_with_jwcrypto(token, site_keys(client))["vc"]
    assert status_bit(client, credential) is False
    certificate_services.revoke_certificate(certificate.code, "Copied the final quiz.",
                                            by_user_id=None, now=utcnow())
    assert status_bit(client, credential) is True
    answer = check(client, token)
    assert (answer["status"], answer["code"]) == ("revoked", "revoked")
    assert answer["reason"] == "Copied the final quiz."
    # No new copy is handed out, and its public copy says revoked.
    assert client.get(f"/badges/{certificate.code}/credential.jwt").status_code == 410
    assert client.get(f"/badges/credentials/{certificate.code}.json").status_code == 410


def test_rotation_keeps_older_credentials_valid_and_withdrawal_ends_them(
        app: Flask, client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    old = download(client, certificate.code)
    result = app.test_cli_runner().invoke(args=["badges", "rotate-key", "--algorithm", "EdDSA"])
    assert result.exit_code == 0, result.output
    new = download(client, certificate.code)
    keys = site_keys(client)
    assert len(json.loads(keys.export(private_keys=False))["keys"]) == 2
    old_payload, new_payload = verify_with_jwcrypto(old, keys), verify_with_jwcrypto(new, keys)
    assert old_payload["vc"] == new_payload["vc"]
    headers = [json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "==")) for t in (old, new)]
    assert [h["alg"] for h in headers] == ["RS256", "EdDSA"]
    assert headers[0]["kid"] != headers[1]["kid"]
    assert check(client, old)["status"] == check(client, new)["status"] == "valid"
    # As curl --data posts it (form-encoded), and as a raw body.
    for content_type in ("application/x-www-form-urlencoded", "application/jwt"):
        raw = client.post("/badges/verify", data=old, content_type=content_type)
        assert raw.get_json()["status"] == "valid", (content_type, raw.get_json())
    old_thumbprint = headers[0]["kid"].rsplit("/", 1)[-1]
    # A prefix no other stored key shares, whatever the random keys are (a fixed [:10] relied
    # on chance); the answers are in the messages, since this failed once and not again.
    others = [t for t in db.session.scalars(select(BadgeKey.thumbprint)) if t != old_thumbprint]
    length = next(n for n in range(10, len(old_thumbprint) + 1)
                  if not any(t.startswith(old_thumbprint[:n]) for t in others))
    # "--": a base64url thumbprint may start with "-" (1 key in 64), which click would read as
    # an option; this is what made the test fail at random before.
    result = app.test_cli_runner().invoke(
        args=["badges", "withdraw-key", "--", old_thumbprint[:length]])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(BadgeKey.withdrawn_at).where(
        BadgeKey.thumbprint == old_thumbprint)) is not None, result.output
    answer = check(client, old)
    assert answer["code"] == "withdrawn_key", (answer, result.output)
    answer = check(client, new)
    assert answer["status"] == "valid", answer
    with pytest.raises(LookupError):
        verify_with_jwcrypto(old, site_keys(client))
    listing = app.test_cli_runner().invoke(args=["badges", "keys"]).output.splitlines()
    assert [line.split()[-1] for line in listing] == ["withdrawn", "signing"]
    assert "PRIVATE" not in "\n".join(listing)
    bad = app.test_cli_runner().invoke(args=["badges", "withdraw-key", "no-such-key"])
    dash = app.test_cli_runner().invoke(args=["badges", "withdraw-key", "--", "-no-such-key"])
    assert dash.exit_code == 1 and "-no-such-key" in dash.output, dash.output
    assert bad.exit_code != 0 and "0 keys match" in bad.output


def test_the_baked_png_carries_the_credential(client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    response = client.get(f"/badges/{certificate.code}/badge.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))  # Pillow reads the iTXt chunk on its own
    image.load()
    token = image.text["openbadgecredential"]
    assert verify_with_jwcrypto(token, site_keys(client))["vc"]["name"] == "Sample course"
    assert check(client, response.data)["status"] == "valid"
    # The form takes the image too.
    form = client.post("/badges/verify", data={"image": (io.BytesIO(response.data), "b.png")},
                       content_type="multipart/form-data")
    assert form.status_code == 200 and "Valid" in form.text


def test_a_deleted_account_leaves_a_revoked_credential_naming_nobody(
        client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    token = download(client, certificate.code, name=True)
    credential = verify_with_jwcrypto(token, site_keys(client))["vc"]
    delete_account(owner.id, now=utcnow())
    answer = check(client, token)
    assert (answer["status"], answer["code"]) == ("revoked", "revoked")
    assert answer["reason"] == "The holder deleted their account."
    assert status_bit(client, credential) is True
    public = client.get(f"/badges/credentials/{certificate.code}.json")
    served = [answer, public.get_json(), site_keys(client).export(private_keys=False)]
    for text in map(json.dumps, served):
        for personal in ("Giulia", "giulia@example.org", owner.username):
            assert personal.lower() not in text.lower()
    # Nothing about the learner is stored by this feature: only the site's keys.
    assert [c.name for c in BadgeKey.__table__.columns] == [
        "id", "thumbprint", "algorithm", "public_jwk", "private_pem", "signing", "created_at",
        "retired_at", "withdrawn_at"]


def test_the_private_key_is_never_published_nor_exported(
        client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    download(client, certificate.code)
    jwks = client.get("/badges/jwks.json").get_json()
    for key in jwks["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    stored = db.session.scalars(select(BadgeKey.private_pem)).one()
    assert stored.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert "PRIVATE" not in json.dumps(export_user_data(owner.id), default=str)


def test_only_the_owner_downloads(client: FlaskClient, learner: User,
                                  make_user: Callable[..., User],
                                  login: Callable[[User], None]) -> None:
    certificate = claim(learner)
    assert client.get(f"/badges/{certificate.code}/credential.jwt").status_code == 302
    login(make_user())
    for path in ("/", "/credential.jwt", "/badge.png"):
        assert client.get(f"/badges/{certificate.code}{path}").status_code == 404


def test_my_certificates_links_the_open_badge_page(client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    page = client.get("/certificates/").text
    assert f"/badges/{certificate.code}/" in page and "Download as Open Badge" in page
    badge_page = client.get(f"/badges/{certificate.code}/")
    assert badge_page.status_code == 200 and "wallet" in badge_page.text


def test_verification_explains_bad_input(client: FlaskClient) -> None:
    for junk in ("not a credential", "a.b.c", '{"@context": []}', ""):
        answer = check(client, junk)
        assert answer["status"] == "invalid", junk
        assert answer["code"] in {"malformed", "no_signature"}
    assert check(client, b"\x89PNG\r\n\x1a\nbroken")["code"] == "malformed"
    empty_form = client.post("/badges/verify", data={"credential": ""})
    assert empty_form.status_code == 400 and "Paste a credential" in empty_form.text
    assert client.get("/badges/verify").status_code == 200
    assert client.get(f"/badges/status/{10**30}").status_code == 404
    assert client.get("/badges/keys/" + "x" * 500).status_code == 404


def test_public_documents_for_verifiers(client: FlaskClient, owner: User) -> None:
    certificate = claim(owner)
    issuer = client.get("/badges/issuer").get_json()
    assert issuer["type"] == ["Profile"] and issuer["name"] == "Global Citizenship Learning"
    achievement = client.get("/badges/achievements/sample-course").get_json()
    assert achievement["name"] == "Sample course"
    assert client.get("/badges/achievements/sample-course.png").mimetype == "image/png"
    credential = client.get(f"/badges/credentials/{certificate.code}",
                            headers={"Accept": "application/json"}).get_json()
    assert schema_errors(credential) == []
    assert not [i for i in credential["credentialSubject"]["identifier"]
                if i["identityType"] == "name"]
    verification_page = client.get(f"/verify/{certificate.code}").text
    assert f"/badges/credentials/{certificate.code}.json" in verification_page
    people = client.get(f"/badges/credentials/{certificate.code}")
    assert people.status_code == 302 and "/verify/" in people.headers["Location"]
    assert client.get("/badges/credentials/NOPE-NOPE-NOPE.json").status_code == 404
    # Each kid is a URL that serves its public key.
    download(client, certificate.code)
    (published,) = client.get("/badges/jwks.json").get_json()["keys"]
    served = client.get(published["kid"].removeprefix("http://localhost")).get_json()
    assert served == published and "d" not in served


def test_two_servers_share_one_key(app: Flask, owner: User) -> None:
    from lms.badges import keys

    first = keys.signing_key(now=utcnow())
    second = keys.signing_key(now=utcnow())
    assert first.thumbprint == second.thumbprint
    assert db.session.query(BadgeKey).count() == 1


def test_a_reissued_certificate_s_credential_says_replaced(client: FlaskClient,
                                                           owner: User) -> None:
    from lms.certificates import claims

    certificate = claim(owner)
    old = download(client, certificate.code)
    new_certificate = claims.reissue_certificate(
        certificate.code, "Giulia D'Angelo", shown_name="Giulia D'Angelo", by_user_id=owner.id,
        by_admin=False, now=utcnow())
    answer = check(client, old)
    assert (answer["status"], answer["code"]) == ("revoked", "replaced")
    assert check(client, download(client, new_certificate.code))["status"] == "valid"


def test_the_database_allows_one_signing_key(app: Flask, owner: User) -> None:
    """Two servers making the first key at once: the partial unique index lets one win."""
    from sqlalchemy.exc import IntegrityError

    from lms.badges import keys

    keys.signing_key(now=utcnow())
    db.session.add(BadgeKey(thumbprint="second", algorithm="RS256", public_jwk="{}",
                            private_pem=b"x", signing=True, created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_eddsa_site_signs_with_ed25519(app: Flask, client: FlaskClient,
                                          owner: User) -> None:
    app.config["LMS_BADGES_ALGORITHM"] = "EdDSA"  # read when the first key is made
    token = download(client, claim(owner).code)
    keys = site_keys(client)
    assert json.loads(keys.export(private_keys=False))["keys"][0]["crv"] == "Ed25519"
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "EdDSA"
    assert schema_errors(verify_with_jwcrypto(token, keys)["vc"]) == []
    assert check(client, token)["status"] == "valid"


def test_a_configured_key_signs_and_only_its_public_half_is_stored(
        app: Flask, client: FlaskClient, owner: User, tmp_path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    certificate = claim(owner)
    generated = download(client, certificate.code)  # signed with the database's key
    private = ed25519.Ed25519PrivateKey.generate()
    key_file = tmp_path / "badges-key.pem"
    key_file.write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    app.config["LMS_BADGES_KEY_FILE"] = str(key_file)
    configured = download(client, certificate.code)
    header = json.loads(base64.urlsafe_b64decode(configured.split(".")[0] + "=="))
    assert header["alg"] == "EdDSA"
    public = jwk.JWK.from_pyca(private.public_key())
    assert verify_with_jwcrypto(configured, site_keys(client))["vc"]["id"].endswith(
        certificate.code)
    signed = jws.JWS()
    signed.deserialize(configured)
    signed.verify(public, alg="EdDSA")  # really the configured key
    assert check(client, generated)["status"] == check(client, configured)["status"] == "valid"
    stored = db.session.scalars(select(BadgeKey).where(
        BadgeKey.thumbprint == header["kid"].rsplit("/", 1)[-1])).one()
    assert stored.private_pem == b""
    rotate = app.test_cli_runner().invoke(args=["badges", "rotate-key"])
    assert rotate.exit_code != 0 and "LMS_BADGES_KEY_FILE" in rotate.output


def test_a_bad_key_file_stops_start_up(database_url: str, tmp_path) -> None:
    from lms.config import ConfigError
    from tests.conftest import make_test_app

    bad = tmp_path / "not-a-key.pem"
    bad.write_text("hello")
    with pytest.raises(ConfigError, match="LMS_BADGES_KEY_FILE"):
        make_test_app(database_url, tmp_path, LMS_BADGES_KEY_FILE=str(bad))
