"""Drafts in the database: two servers (here: two instance folders in one process) see the same
drafts, their files and images; stale saves are refused; drafts on disk from before are
imported by the migration, by ``lms courses import-drafts`` and when first read."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from authoring_support import LESSON, LESSON_TEXT
from flask import Flask
from flask_migrate import downgrade, upgrade
from PIL import Image
from sqlalchemy import select

from lms.authoring import drafts, publishing, removal, services, storage
from lms.authoring.models import Draft, DraftFile
from lms.authoring.shared import SharedDirs
from lms.authoring.storage import AuthoringDirs
from lms.certificates.services import issue_certificate, render_pdf
from lms.courses.models import Course
from lms.db import db, utcnow

SLUG = "shared-course"
LESSON_ONE = "01-introduction/01-first-lesson.md"


def _server(tmp_path: Path, name: str, user_id: int | None = None) -> SharedDirs:
    return SharedDirs(tmp_path / name / "authoring", user_id=user_id)


def _start(app: Flask, dirs: SharedDirs, owner) -> None:
    services.create_course(dirs, slug=SLUG, title="Shared", summary="One course, two servers",
                           topic="other", languages=["en"], owner=owner,
                           course_dirs=app.extensions["lms"].course_dirs)


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(output, "PNG")
    return output.getvalue()


def test_a_change_on_one_server_is_what_the_other_reads(app: Flask, make_user,
                                                        tmp_path: Path) -> None:
    owner = make_user(role="trainer")
    a, b = _server(tmp_path, "a", owner.id), _server(tmp_path, "b")
    _start(app, a, owner)
    types = app.extensions["lms"].question_types
    base = storage.content_hash(storage.read_file(a.draft(SLUG), LESSON))
    services.save_file(a, SLUG, LESSON, LESSON_TEXT, base, types)
    services.upload_image(a, SLUG, "", "map.png", _png(), "A map")

    assert b.slugs() == [SLUG]
    assert (b.draft(SLUG) / LESSON).read_text() == LESSON_TEXT
    assert (b.draft(SLUG) / "map.png").is_file()
    row = db.session.scalar(select(DraftFile).where(DraftFile.path == LESSON))
    assert (row.revision, row.updated_by_id) == (2, owner.id)
    assert db.session.scalar(select(DraftFile.content_type)
                             .where(DraftFile.path == "map.png")) == "image/png"

    # B saves; A's editor still holds the text it loaded: refused, nothing overwritten.
    edited = LESSON_TEXT.replace("2010", "2010 (B)")
    services.save_file(b, SLUG, LESSON, edited, storage.content_hash(LESSON_TEXT.encode()),
                       types)
    with pytest.raises(services.Conflict) as refused:
        services.save_file(a, SLUG, LESSON, LESSON_TEXT.replace("2010", "2010 (A)"), base,
                           types)
    assert refused.value.current_text == edited
    assert (a.draft(SLUG) / LESSON).read_text() == edited

    # A removes the image and adds a module; B sees both, and publishes the result.
    removal.delete_from_draft(a, SLUG, "map.png", types)
    with a.editing(SLUG) as root:
        drafts.add_module(root, "Second steps")
    assert not (b.draft(SLUG) / "map.png").exists()
    assert (b.draft(SLUG) / "02-second-steps" / "module.md").is_file()
    version = publishing.publish(b, SLUG, user_id=None, note="", now=utcnow(),
                                 question_types=types)
    assert version is not None and version.number == 1


def test_a_failed_change_leaves_the_shared_draft_as_it_was(app: Flask, make_user,
                                                           tmp_path: Path) -> None:
    owner = make_user(role="trainer")
    a = _server(tmp_path, "a")
    _start(app, a, owner)
    revision = db.session.scalar(select(Draft.revision))
    with pytest.raises(RuntimeError), a.editing(SLUG) as root:
        (root / "course.md").write_text("broken half-way")
        raise RuntimeError("disk full")
    assert db.session.scalar(select(Draft.revision)) == revision
    assert "broken" not in (a.draft(SLUG) / "course.md").read_text()  # copy rebuilt


def _disk_draft(base: Path, slug: str) -> None:
    root = AuthoringDirs(base).draft(slug)
    drafts.write_course_md(root, title="Old", summary="From disk", topic="other",
                           languages=["en"], author="Someone")


def test_import_drafts_command_and_first_read_import_folders_from_before(
        app: Flask, runner, tmp_path: Path) -> None:
    base = Path(app.instance_path) / "authoring"
    _disk_draft(base, "old-one")
    result = runner.invoke(args=["courses", "import-drafts"])
    assert result.exit_code == 0, result.output
    assert "imported draft old-one" in result.output and "1 draft(s)" in result.output
    assert "0 draft(s)" in runner.invoke(args=["courses", "import-drafts"]).output
    _disk_draft(base, "old-two")  # never imported: found when a server lists the drafts
    assert SharedDirs(base).slugs() == ["old-one", "old-two"]
    paths = set(db.session.scalars(select(DraftFile.path).join(Draft)
                                   .where(Draft.course_slug == "old-two")))
    assert paths == {"course.md", "01-introduction/module.md",
                     "01-introduction/01-first-lesson.md"}


def test_the_migration_imports_draft_folders(app: Flask) -> None:
    downgrade(revision="0014_admin_log")
    try:
        _disk_draft(Path(app.instance_path) / "authoring", "before-upgrade")
    finally:
        upgrade()
    draft = db.session.scalar(select(Draft).where(Draft.course_slug == "before-upgrade"))
    assert draft is not None and draft.revision == 1
    assert len(db.session.scalars(select(DraftFile).where(DraftFile.draft_id == draft.id))
               .all()) == 3
    # The folder is the working copy of that revision: nothing is rebuilt.
    marker = Path(app.instance_path) / "authoring" / "drafts" / ".before-upgrade.revision"
    assert marker.read_text() == "1"


def test_courses_sync_on_one_server_keeps_what_another_published(app: Flask, make_user, runner,
                                                                 tmp_path: Path) -> None:
    owner = make_user(role="trainer")
    here = SharedDirs(Path(app.instance_path) / "authoring")  # the server `runner` runs on
    there = _server(tmp_path, "there")
    types = app.extensions["lms"].question_types
    _start(app, here, owner)
    publishing.publish(here, SLUG, user_id=None, note="", now=utcnow(), question_types=types)
    text = (there.draft(SLUG) / LESSON_ONE).read_text()
    services.save_file(there, SLUG, LESSON_ONE, text.replace("Write the lesson", "Read it"),
                       storage.content_hash(text.encode()), types)
    second = publishing.publish(there, SLUG, user_id=None, note="", now=utcnow(),
                                question_types=types)
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert second is not None and course.content_hash == second.content_hash

    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert course.content_hash == second.content_hash  # not turned back to version 1
    published = Path(app.instance_path) / "authoring" / "published" / SLUG / LESSON_ONE
    assert "Read it" in published.read_text()

    publishing.unpublish(there, SLUG)
    assert runner.invoke(args=["courses", "sync"]).exit_code == 0
    db.session.expire_all()
    assert not course.available and not published.exists()


def test_a_change_made_on_an_older_copy_is_refused(app: Flask, make_user,
                                                   tmp_path: Path) -> None:
    """What the row lock prevents on PostgreSQL, checked again when the change is stored: two
    copies changed at once (here nested, in one transaction, so no lock can wait)."""
    owner = make_user(role="trainer")
    a, b = _server(tmp_path, "a"), _server(tmp_path, "b")
    _start(app, a, owner)
    original = (a.draft(SLUG) / "course.md").read_text()
    with pytest.raises(storage.DraftError, match="changed elsewhere at the same moment"), \
            a.editing(SLUG) as root:
        (root / "course.md").write_text(original + "From A\n")
        with b.editing(SLUG) as other:
            (other / "course.md").write_text(original + "From B\n")
    assert (a.draft(SLUG) / "course.md").read_text() == original + "From B\n"


def test_a_course_published_on_another_server_is_not_listed_as_authored_as_files(
        app: Flask, make_user, tmp_path: Path) -> None:
    """Whether a course was authored in the browser is in the database, not in which server's
    folder its published copy happens to be."""
    owner = make_user(role="trainer")
    here, there = _server(tmp_path, "here", owner.id), _server(tmp_path, "there")
    _start(app, here, owner)
    types = app.extensions["lms"].question_types
    publishing.publish(here, SLUG, user_id=None, note="", now=utcnow(), question_types=types)
    # Its draft gone (a fresh start, say): only the published version is left.
    db.session.delete(db.session.scalar(select(Draft).where(Draft.course_slug == SLUG)))
    db.session.commit()

    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert course.available and Path(course.source_dir).is_relative_to(here.published)

    listed = {entry.slug: entry for entry in
              services.editable_courses(there, owner.id, is_admin=True)}
    assert SLUG not in listed or not listed[SLUG].on_disk


def test_a_certificate_uses_the_courses_own_template_on_a_server_that_did_not_publish_it(
        app: Flask, make_user, tmp_path: Path) -> None:
    """A package's certificate/certificate.html is used by every app server, not only by the
    one whose disk the course was published to."""
    owner = make_user(role="trainer")
    there = _server(tmp_path, "there", owner.id)
    types = app.extensions["lms"].question_types
    _start(app, there, owner)
    source = there.draft(SLUG)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            archive.write(path, f"templated/{path.relative_to(source)}")
        archive.writestr("templated/certificate/certificate.html",
                         "<html><body><h1>Attestato del partenariato</h1>"
                         "<p>{{ certificate.printed_name }}</p></body></html>")
    publishing.import_course(there, package.getvalue(), owner_id=owner.id,
                             course_dirs=app.extensions["lms"].course_dirs, question_types=types,
                             new_slug="templated", new_title="Templated")
    publishing.publish(there, "templated", user_id=None, note="", now=utcnow(),
                       question_types=types)
    shutil.rmtree(tmp_path / "there")  # what this server's disk does not have
    course = db.session.scalar(select(Course).where(Course.slug == "templated"))
    assert course is not None and not Path(course.source_dir).exists()

    learner = make_user()
    certificate = issue_certificate(learner.id, course.id, completed_at=utcnow(), now=utcnow())
    assert render_pdf(certificate.id, now=utcnow())
    db.session.refresh(certificate)
    (tmp_path / "c.pdf").write_bytes(certificate.pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Attestato del partenariato" in text
