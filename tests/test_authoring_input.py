"""Bad input in the authoring area: a clear message and nothing written."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from authoring_support import (
    LESSON,
    LESSON_TEXT,
    QUIZ,
    SLUG,
    create_course,
    draft_root,
    edit_url,
    field,
    two_lessons_and_a_quiz,
)
from flask import Flask
from PIL import Image

from lms.authoring.media import MAX_IMAGE_BYTES, ImageRefused, check_image
from lms.authoring.packages import ZipRefused, extract_package, pack_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def image_bytes(kind: str, size: tuple[int, int]) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(output, kind)
    return output.getvalue()


def zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


BAD_ZIPS = {
    "bomb": (zip_with([("c/course.md", b"x"), ("c/big.md", b"\0" * (60 * 1024 * 1024))]),
             "too large"),
    "ratio": (zip_with([("c/course.md", b"x"), ("c/a.md", b"\0" * (5 * 1024 * 1024))]),
              "zip bomb"),
    "traversal": (zip_with([("c/course.md", b"x"), ("c/../../evil.md", b"x")]),
                  "must stay inside"),
    "absolute": (zip_with([("/etc/evil.md", b"x")]), "must stay inside"),
    "symlink": (zip_with([("c/course.md", b"x"), symlink_entry("c/link.md", "/etc/passwd")]),
                "symbolic links"),
    "too many": (zip_with([(f"c/{n}.md", b"x") for n in range(1001)]), "entries"),
    "two courses": (zip_with([("a/course.md", b"x"), ("b/course.md", b"x")]),
                    "one course folder"),
    "not a zip": (b"PK\x03\x04 nonsense", "not a zip"),
}


@pytest.mark.parametrize("name", sorted(BAD_ZIPS))
def test_bad_zips_are_refused_before_writing(tmp_path: Path, name: str) -> None:
    data, message = BAD_ZIPS[name]
    with pytest.raises(ZipRefused, match=message):
        extract_package(data, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_non_utf8_names_are_refused(tmp_path: Path) -> None:
    data = bytearray(zip_with([("c/course.md", b"x"), ("c/caf\x01.md", b"x")]))
    # Put a byte that is not ASCII in the name, with the UTF-8 flag unset (cp437).
    data = bytes(data).replace(b"caf\x01", b"caf\x82")
    with pytest.raises(ZipRefused, match="not UTF-8"):
        extract_package(data, tmp_path)


def test_import_page_shows_the_reason_and_writes_nothing(app: Flask, client, make_user,
                                                         login) -> None:
    login(make_user(role="trainer"))
    data = BAD_ZIPS["traversal"][0]
    response = client.post("/author/import", data={"package": (io.BytesIO(data), "x.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "must stay inside the course folder" in response.text
    drafts = Path(app.instance_path) / "authoring" / "drafts"
    assert not drafts.exists() or not any(p for p in drafts.iterdir()
                                          if not p.name.startswith("."))


def test_import_of_a_course_with_errors_writes_nothing(app: Flask, client, make_user,
                                                       login) -> None:
    login(make_user(role="trainer"))
    data = pack_files("broken", [("course.md", b"---\ntitel: x\n---\n")])
    response = client.post("/author/import", data={"package": (io.BytesIO(data), "b.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "nothing was imported" in response.text
    assert not draft_root(app, "broken").exists()


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("photo.png", b"GIF89a" + b"\0" * 20, "content is a GIF image"),
    ("photo.jpg", b"<html>not an image</html>", "not an image"),
    ("photo.exe", PNG, "only .svg"),
    ("big.png", PNG + b"\0" * MAX_IMAGE_BYTES, "larger than 10 MB"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "<script>"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
     "foreignObject"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
    ("x.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg/>', "DOCTYPE"),
    ("x.svg", b"<svg", "well-formed"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil/x.png"/></svg>',
     "link inside"),
    ("x.svg", b"<html/>", "not an SVG"),
])
def test_fake_or_dangerous_images_are_refused(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(ImageRefused, match=message):
        check_image(filename, data)


def test_good_images_pass() -> None:
    assert check_image("a.PNG", PNG) == "png"
    assert check_image("a.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 10) == "jpg"
    assert check_image("a.webp", b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert check_image("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"/></svg>') \
        == "svg"


def test_upload_needs_alt_text_and_real_images(app: Flask, client, make_user, login) -> None:
    login(make_user(role="trainer"))
    create_course(client)
    url = f"/author/courses/{SLUG}/images"
    folder = draft_root(app) / "01-introduction"
    response = client.post(url, data={"image": (io.BytesIO(PNG), "map.png"), "alt": "",
                                      "folder": "01-introduction"},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "alt text is required" in response.text
    response = client.post(url, data={"image": (io.BytesIO(b"GIF89a..."), "map.png"),
                                      "alt": "A map", "folder": "01-introduction"},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Image not saved" in response.text and "GIF" in response.text
    big = PNG + b"\0" * MAX_IMAGE_BYTES
    response = client.post(url, data={"image": (io.BytesIO(big), "map.png"), "alt": "A map",
                                      "folder": "01-introduction"},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "larger than 10 MB" in response.text
    assert not list(folder.glob("*.png"))
    real = image_bytes("PNG", (40, 30))
    response = client.post(url, data={"image": (io.BytesIO(real), "Map of Rivers.png"),
                                      "alt": "A map of the rivers", "folder": "01-introduction"},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "![A map of the rivers](map-of-rivers.png)" in response.text
    with Image.open(folder / "map-of-rivers.png") as stored:
        assert stored.size == (40, 30)


@pytest.mark.parametrize(("rel", "text", "message", "line"), [
    (LESSON, "---\ntitel: Water\nestimated_minutes: 5\n---\nText\n", "titel", 2),
    (LESSON, "---\ntitle: [unclosed\n---\nText\n", "", 0),
    (QUIZ, "---\ntitle: Check\n---\n## A question\n- [x] one\n- [x] two\nType: single\n",
     "", 0),
])
def test_invalid_front_matter_or_quiz_is_saved_and_shown(app: Flask, client, make_user, login,
                                                         rel: str, text: str, message: str,
                                                         line: int) -> None:
    """Issue 14: a text with errors is saved (nothing lost); its problems are shown next to
    their lines, and publishing is what they block."""
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    page = client.get(edit_url(rel)).text
    response = client.post(edit_url(rel), data={"text": text, "action": "save",
                                                "base_hash": field(page, "base_hash")},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Saved, with" in response.text and "fix" in response.text
    assert 'class="problem-error"' in response.text
    if message:
        assert message in response.text
    if line:
        assert f'href="#L{line}"' in response.text and f'id="L{line}" class="line-problem"' \
            in response.text
    assert (draft_root(app) / rel).read_text() == text
    published = client.post(f"/author/courses/{SLUG}/publish", data={"note": ""},
                            follow_redirects=True)
    assert "Not published: the course has" in published.text


def test_two_trainers_saving_the_same_lesson(app: Flask, client, make_user, login) -> None:
    owner = make_user(role="trainer")
    login(owner)
    two_lessons_and_a_quiz(client)
    coauthor = make_user(role="trainer")
    from lms.authoring.services import add_coauthor

    add_coauthor(SLUG, coauthor.username)
    other = app.test_client()
    other.post("/account/login", data={"login": coauthor.username, "password": "password123"})
    mine = client.get(edit_url(LESSON)).text
    theirs = other.get(edit_url(LESSON)).text
    response = other.post(edit_url(LESSON), data={
        "text": LESSON_TEXT.replace("2010", "2010 (theirs)"), "action": "save",
        "base_hash": field(theirs, "base_hash")})
    assert response.status_code == 302
    response = client.post(edit_url(LESSON), data={
        "text": LESSON_TEXT.replace("2010", "2010 (mine)"), "action": "save",
        "base_hash": field(mine, "base_hash")})
    assert response.status_code == 409
    assert "Someone else saved this file" in response.text
    assert "2010 (theirs)" in response.text and "2010 (mine)" in response.text
    path = draft_root(app) / LESSON
    assert "(theirs)" in path.read_text() and "(mine)" not in path.read_text()
    # Saving again, having seen both, is a deliberate choice and goes through.
    response = client.post(edit_url(LESSON), data={
        "text": LESSON_TEXT.replace("2010", "2010 (mine)"), "action": "save",
        "base_hash": field(response.text, "base_hash")})
    assert response.status_code == 302 and "(mine)" in path.read_text()


def test_publishing_a_draft_with_errors_publishes_nothing(app: Flask, client, make_user,
                                                          login) -> None:
    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    (draft_root(app) / LESSON).write_text("---\ntitle: x\n---\n")  # no estimated_minutes
    response = client.post(f"/author/courses/{SLUG}/publish", data={"note": ""},
                           follow_redirects=True)
    assert "Not published" in response.text
    assert not (Path(app.instance_path) / "authoring" / "published" / SLUG).exists()
    from lms.authoring.models import CourseVersion
    from lms.db import db

    assert db.session.query(CourseVersion).count() == 0


@pytest.mark.parametrize("rel", ["../../secret_key", "01-introduction/../../x.md",
                                 ".hidden.md", "course.md/.."])
def test_paths_outside_the_draft_are_not_found(client, make_user, login, rel: str) -> None:
    login(make_user(role="trainer"))
    create_course(client)
    assert client.get(edit_url(rel)).status_code == 404
