"""Personal data: download as JSON, delete (anonymise) an account, who may delete whom."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from security_world import World, build_world, login_client
from sqlalchemy import func, select

from lms.auth.models import User
from lms.certificates.models import Certificate, CertificatePreference
from lms.classes.models import ClassMember
from lms.db import db, utcnow
from lms.privacy import services
from lms.progress.models import ItemCompletion
from lms.quizzes.models import QuizAttempt


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Certificate, ClassMember, ItemCompletion, QuizAttempt,
                          CertificatePreference)}


def add_reflection(world: World) -> None:
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == world.student_id))
    attempt.questions = [
        {"key": "q1", "type": "single", "prompt_html": "<p>Who?</p>"},
        {"key": "q2", "type": "reflection", "prompt_html": "<p>What do you think?</p>"}]
    attempt.answers = {"q1": "o2", "q2": "My grandmother in Dakar says…"}
    db.session.add(CertificatePreference(user_id=world.student_id, printed_name="Samira B.",
                                         language="it"))
    db.session.commit()


def test_data_download_holds_everything(app: Flask, world: World) -> None:
    add_reflection(world)
    with login_client(app, "student").get("/account/data.json") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert "attachment" in response.headers["Content-Disposition"]
        assert "no-store" in response.headers["Cache-Control"]
        data = json.loads(response.data)
    assert data["profile"]["username"] == "sam"
    assert data["profile"]["email"] is None  # a teacher-created account holds no email
    assert data["profile"]["created_by_teacher"] is True
    assert [e["course"] for e in data["enrolments"]] == ["sample-course"]
    assert [c["item"] for c in data["completions"]] == [world.lesson_slug]
    assert data["quiz_attempts"][0]["answers"]["q2"].startswith("My grandmother")
    assert "questions" not in data["quiz_attempts"][0]  # answer keys stay on the server
    assert data["reflections"] == [{"attempt_number": 1,
                                    "prompt_html": "<p>What do you think?</p>",
                                    "answer": "My grandmother in Dakar says…"}]
    assert data["certificates"][0]["code"] == world.certificate_code
    assert data["certificate_preference"]["printed_name"] == "Samira B."
    assert data["class_memberships"][0]["class"] == "3B"
    with login_client(app, "other_student").get("/account/data.json") as response:
        other = json.loads(response.data)
    assert other["quiz_attempts"] == [] and other["certificates"] == []


def test_delete_own_account_anonymises_in_one_go(app: Flask, world: World) -> None:
    add_reflection(world)
    before = counts()
    client = login_client(app, "student")
    wrong = client.post("/account/delete", data={"password": "nope"})
    assert wrong.status_code == 200 and "not your password" in wrong.text
    assert db.session.get(User, world.student_id).deleted_at is None
    response = client.post("/account/delete", data={"password": "password123"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, world.student_id)
    assert user.deleted_at is not None
    assert user.username.startswith("deleted-") and user.display_name == "Deleted learner"
    assert user.email is None and user.language is None
    # Logged out, and the old password opens nothing.
    assert client.get("/account/").status_code == 302
    assert client.post("/account/login", data={"login": "sam", "password": "password123"}
                       ).status_code == 200
    after = counts()
    # Class statistics keep the learner (anonymous): membership, completions, attempts.
    assert after == {**before, "lms_certificate_preference": 0}
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id))
    assert attempt.answers == {"q1": "o2", "q2": None}  # typed text erased, choices kept
    assert attempt.score_percent == 100.0
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.code == world.certificate_code))
    assert certificate.revoked_at is not None and certificate.printed_name == "—"
    assert certificate.pdf is None
    page = app.test_client().get(f"/verify/{world.certificate_code}")
    assert "Sam Student" not in page.text and "Samira" not in page.text


def test_deleted_text_is_gone_from_every_sqlite_file(app: Flask, world: World) -> None:
    """Not only the rows: the database file (freed cells and pages, thanks to
    secure_delete) and the -wal (old frames, emptied by the checkpoint) no longer hold the
    name, email or reflection once the deletion has answered."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite files")
    secrets_ = ("Zephyrine Quokkabottom", "zq-7431@example.test",
                "Marmalade sunsets over Timbuktu 7431", "Zephy Q. Printed 7431")
    user = db.session.get(User, world.student_id)
    user.display_name, user.email = secrets_[0], secrets_[1]
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == world.student_id))
    attempt.questions = [{"key": "q2", "type": "reflection", "prompt_html": "<p>Why?</p>"}]
    attempt.answers = {"q2": secrets_[2]}
    db.session.add(CertificatePreference(user_id=world.student_id, printed_name=secrets_[3]))
    db.session.commit()
    database = Path(db.engine.url.database)
    files = [database, database.with_name(database.name + "-wal"),
             database.with_name(database.name + "-shm")]
    before = b"".join(path.read_bytes() for path in files if path.exists())
    assert all(text.encode() in before for text in secrets_)  # the test sees the files

    services.delete_account(world.student_id, now=utcnow())
    for path in files:
        if path.exists():
            data = path.read_bytes()
            for text in secrets_:
                assert text.encode() not in data, (path.name, text)


def test_lms_sqlite_connections_overwrite_deleted_content(app: Flask, tmp_path: Path) -> None:
    """secure_delete on the LMS's own engine (Debian's SQLite has it on by default, Python's
    bundled one on other systems not); another engine in the process is left alone."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    from sqlalchemy import create_engine, text

    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    other = create_engine(f"sqlite:///{tmp_path / 'host.sqlite3'}")
    with other.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "delete"
    other.dispose()


def test_deletion_replaces_an_earlier_revocation_reason(app: Flask, world: World) -> None:
    """An admin's reason may describe the person: after the deletion the public page gives
    the deletion as the reason, for every certificate of the holder."""
    from lms.certificates.services import revoke_certificate

    revoke_certificate(world.certificate_code, "Copied the answers from Giovanni R.",
                       by_user_id=world.users["admin"], now=utcnow())
    page = app.test_client().get(f"/verify/{world.certificate_code}")
    assert "Copied the answers" in page.text
    services.delete_account(world.student_id, now=utcnow())
    page = app.test_client().get(f"/verify/{world.certificate_code}")
    assert page.status_code == 200 and "Revoked" in page.text
    assert "The holder deleted their account." in page.text
    assert "Copied the answers" not in page.text and "Giovanni" not in page.text


def test_nothing_is_half_written(app: Flask, world: World,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    add_reflection(world)

    def broken(attempt: QuizAttempt) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_kept_answers", broken)
    with pytest.raises(RuntimeError):
        services.delete_account(world.student_id, now=utcnow())
    db.session.expire_all()
    user = db.session.get(User, world.student_id)
    assert user.username == "sam" and user.deleted_at is None
    certificate = db.session.scalar(select(Certificate))
    assert certificate.revoked_at is None and certificate.printed_name == "Sam Student"
    assert db.session.get(CertificatePreference, world.student_id) is not None


def test_teacher_deletes_only_accounts_they_created(app: Flask, world: World) -> None:
    url = f"/account/delete/{world.student_id}"
    other = login_client(app, "other_teacher")
    assert other.get(url).status_code == 404
    assert other.post(url, data={"username": "sam"}).status_code == 404
    olga = f"/account/delete/{world.users['other_student']}"
    teacher = login_client(app, "teacher")
    assert teacher.get(olga).status_code == 404  # joined by code, not created by the teacher
    listing = teacher.get("/teach/accounts/")
    assert listing.status_code == 200 and url in listing.text
    mistyped = teacher.post(url, data={"username": "someone"})
    assert mistyped.status_code == 200
    assert db.session.get(User, world.student_id).deleted_at is None
    assert teacher.post(url, data={"username": "sam"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.student_id).deleted_at is not None
    assert login_client(app, "other_student").get(
        "/account/").status_code == 200


def test_admin_deletes_anyone_but_not_the_last_admin(app: Flask, world: World) -> None:
    admin = login_client(app, "admin")
    page = admin.get("/admin/users/?q=olg")
    assert page.status_code == 200 and "olga" in page.text and "trent" not in page.text
    data = admin.get(f"/admin/users/{world.users['other_student']}/data.json")
    assert json.loads(data.data)["profile"]["username"] == "olga"
    response = admin.post(f"/account/delete/{world.users['trainer']}",
                          data={"username": "trent"})
    assert response.status_code == 302
    with pytest.raises(services.PrivacyError, match="last_admin"):
        services.delete_account(world.users["admin"], now=utcnow())
    refused = admin.post("/account/delete", data={"password": "password123"},
                         follow_redirects=True)
    assert "only administrator" in refused.text
    assert db.session.get(User, world.users["admin"]).deleted_at is None


def test_cli_delete(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["users", "delete", "olga"], input="n\n")
    assert refused.exit_code == 1
    assert db.session.get(User, world.users["other_student"]).deleted_at is None
    result = runner.invoke(args=["users", "delete", "olga", "--yes"])
    assert result.exit_code == 0, result.output
    assert "deleted olga" in result.output
    db.session.expire_all()
    assert db.session.get(User, world.users["other_student"]).deleted_at is not None
    assert runner.invoke(args=["users", "delete", "olga", "--yes"]).exit_code == 1
