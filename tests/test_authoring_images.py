"""Uploaded images: photos scaled down and stored without EXIF, fakes and bombs refused with a
message, an upload over the request limit back on the image form with the limit."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from authoring_support import SLUG, create_course, draft_root
from flask import Flask
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.authoring.media import ImageRefused
from lms.authoring.photos import prepare_image

URL = f"/author/courses/{SLUG}/images"
GPS_INFO = 0x8825


def photo(size: tuple[int, int], kind: str = "JPEG", *, gps: bool = True,
          orientation: int = 1) -> bytes:
    """A photo as a phone takes it: EXIF with the camera, the place (GPS) and orientation."""
    image = Image.new("RGB", size, (30, 140, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    if gps:
        exif[GPS_INFO] = {1: "N", 2: (45.0, 27.0, 50.0), 3: "E", 4: (9.0, 11.0, 24.0)}
    output = io.BytesIO()
    image.save(output, kind, exif=exif.tobytes())
    return output.getvalue()


def multipart(fields: dict[str, object]) -> dict[str, object]:
    """A multipart body in memory: the test client would spool a large one to a temporary
    file that nobody closes when the server refuses to read it."""
    boundary, body = encode_multipart(fields)  # type: ignore[arg-type]
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(("kind", "extension"), [("JPEG", "jpg"), ("WEBP", "webp"),
                                                 ("PNG", "png")])
def test_exif_and_gps_are_removed(kind: str, extension: str) -> None:
    original = photo((64, 48), kind)
    assert opened(original).getexif().get(GPS_INFO) is not None  # the fixture has them
    stored = opened(prepare_image(original, extension, max_width=1600))
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert stored.size == (64, 48)


def test_wide_photos_are_scaled_down_and_turned_upright() -> None:
    stored = opened(prepare_image(photo((4000, 3000)), "jpg", max_width=1600))
    assert stored.size == (1600, 1200)
    # Orientation 6: the camera was held upright, the pixels lie on their side.
    upright = opened(prepare_image(photo((300, 200), orientation=6), "jpg", max_width=1600))
    assert upright.size == (200, 300)


def _png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims ``width`` × ``height`` pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("data", "extension", "message"), [
    (b"\xff\xd8\xff\xe0 this is text, not a photo" * 10, "jpg", "cannot be read as a JPG"),
    (photo((50, 50))[:200], "jpg", "cannot be read"),  # cut off
    (_png_claiming(7000, 7000), "png", "claims 7000 × 7000 pixels; at most 40 million"),
    (_png_claiming(50_000, 50_000), "png", "decompression bomb"),
])
def test_fake_truncated_and_bomb_images_are_refused(data: bytes, extension: str,
                                                    message: str) -> None:
    with pytest.raises(ImageRefused, match=message):
        prepare_image(data, extension, max_width=1600)


def test_a_phone_photo_is_stored_small_and_without_its_location(app: Flask, client, make_user,
                                                                  login) -> None:
    login(make_user(role="trainer"))
    create_course(client)
    original = photo((3000, 2000))
    response = client.post(URL, data={"image": (io.BytesIO(original), "Holiday.JPG"),
                                      "alt": "A river", "folder": "01-introduction"},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "![A river](holiday.jpg)" in response.text
    assert "camera&#39;s data (EXIF" in response.text  # the form says what happens
    stored = opened((draft_root(app) / "01-introduction" / "holiday.jpg").read_bytes())
    assert stored.size == (1600, 1067) and dict(stored.getexif()) == {}


def test_a_text_file_named_jpg_is_refused_on_the_form(app: Flask, client, make_user,
                                                      login) -> None:
    login(make_user(role="trainer"))
    create_course(client)
    response = client.post(URL, data={"image": (io.BytesIO(b"hello, I am text"), "cat.jpg"),
                                      "alt": "A cat", "folder": ""},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Image not saved: the file is named .jpg but its content is not an image" \
        in response.text
    assert not (draft_root(app) / "cat.jpg").exists()


@pytest.mark.parametrize("csrf", [False, True])
def test_an_upload_over_the_request_limit_comes_back_to_the_form(
        app: Flask, client, make_user, login, csrf: bool) -> None:
    login(make_user(role="trainer"))
    create_course(client)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.config["LMS_IMAGE_MAX_BYTES"] = 1536 * 1024
    # With CSRF protection on, the token check is what reads (and refuses) the body first.
    app.config["WTF_CSRF_ENABLED"] = csrf
    response = client.post(URL, **multipart({
        "image": FileStorage(io.BytesIO(b"\0" * 2_200_000), "big.jpg"), "alt": "Big",
        "folder": ""}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/author/courses/{SLUG}/#images")
    page = client.get(response.headers["Location"]).text
    assert "Image not saved: the image is larger than 1.5 MB" in page
    # Elsewhere the site's own 413 page stays.
    assert client.post("/author/import", **multipart({
        "package": FileStorage(io.BytesIO(b"\0" * 2_200_000), "a.zip")})).status_code == 413
