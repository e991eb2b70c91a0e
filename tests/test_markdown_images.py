"""Lesson images load lazily, decode asynchronously and carry their size (no layout jumps)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from lms.images import ImageUnreadable, image_problem, read_image_size
from lms.markdown import image_size_in, render_markdown


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_sizes_from_headers(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(_png(640, 360))
    Image.new("P", (32, 16)).save(tmp_path / "b.gif")
    (tmp_path / "c.svg").write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
                                    ' viewBox="0 0 800 450.4"><rect/></svg>')
    (tmp_path / "d.svg").write_text('<svg width="120px" height="80" viewBox="0 0 1 1"/>')
    (tmp_path / "e.svg").write_text('<svg width="100%" height="100%"/>')
    assert read_image_size(tmp_path / "a.png") == (640, 360)
    assert read_image_size(tmp_path / "b.gif") == (32, 16)
    assert read_image_size(tmp_path / "c.svg") == (800, 450)
    assert read_image_size(tmp_path / "d.svg") == (120, 80)
    assert read_image_size(tmp_path / "e.svg") is None


def _picture(path: Path, size: tuple[int, int], format: str, **options: object) -> Path:
    Image.new("RGB", size, "teal").save(path, format=format, **options)
    return path


@pytest.mark.parametrize(("name", "format"), [("photo.jpg", "JPEG"), ("photo.jpeg", "JPEG"),
                                              ("photo.webp", "WEBP"), ("photo.png", "PNG"),
                                              ("photo.gif", "GIF")])
def test_raster_sizes_of_every_format_browsers_show(tmp_path: Path, name: str,
                                                    format: str) -> None:
    path = _picture(tmp_path / name, (640, 427), format)
    assert read_image_size(path) == (640, 427)
    assert image_problem(path) is None


def test_a_photo_turned_by_its_exif_orientation_swaps_its_sides(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone upright: shown turned a quarter
    path = _picture(tmp_path / "upright.jpg", (800, 600), "JPEG", exif=exif.tobytes())
    assert read_image_size(path) == (600, 800)


def test_broken_pictures_are_named_by_the_checker_and_render_without_a_size(
        tmp_path: Path) -> None:
    (tmp_path / "fake.jpg").write_text("this is a text file with a .jpg name")
    (tmp_path / "header-only.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "teal").save(buffer, format="PNG")
    (tmp_path / "cut.png").write_bytes(buffer.getvalue()[:200])
    _picture(tmp_path / "drawing.bmp.png", (10, 10), "BMP")
    for name in ("fake.jpg", "header-only.jpg", "drawing.bmp.png"):
        with pytest.raises(ImageUnreadable):
            read_image_size(tmp_path / name)
        assert "is not a PNG, JPEG, WebP or GIF" in str(image_problem(tmp_path / name))
    assert read_image_size(tmp_path / "cut.png") == (400, 300)  # its header is whole
    assert "damaged or cut short" in str(image_problem(tmp_path / "cut.png"))

    html = render_markdown("![Fake](fake.jpg)\n\n![Cut](cut.png)", media_prefix="media/",
                           image_size=image_size_in(tmp_path, tmp_path))
    assert 'src="media/fake.jpg"' in html and "width" not in html.split("cut.png")[0]


def test_course_check_names_a_broken_picture(tmp_path: Path) -> None:
    from lms.courses.lint import lint_markdown

    (tmp_path / "fake.webp").write_text("<html>not a picture</html>")
    _picture(tmp_path / "fine.webp", (20, 10), "WEBP")
    problems = lint_markdown("![A fake](fake.webp)\n\n![A fine one](fine.webp)\n",
                             first_line=5, path="course/lesson.md", file_dir=tmp_path,
                             course_root=tmp_path)
    assert [str(p) for p in problems] == [
        "course/lesson.md:5: image is not a PNG, JPEG, WebP or GIF picture (renamed from "
        "another format?): save it again in one of them: fake.webp"]


def test_lesson_images_are_lazy_and_sized(tmp_path: Path) -> None:
    lesson_dir = tmp_path / "01-module"
    lesson_dir.mkdir()
    (lesson_dir / "map.png").write_bytes(_png(300, 200))
    (tmp_path / "cover.svg").write_text('<svg viewBox="0 0 40 20"/>')
    (tmp_path.parent / "secret.png").write_bytes(_png(1, 1))
    html = render_markdown(
        "![Map](map.png)\n\n![Cover](../cover.svg)\n\n![Remote](https://example.org/x.png)\n\n"
        "![Outside](../../secret.png)\n\n![Sized](map.png){: width=50 }",
        media_prefix="media/01-module/",
        image_size=image_size_in(lesson_dir, tmp_path),
    )
    images = [line for line in html.splitlines() if "<img" in line]
    assert len(images) == 5
    assert all('loading="lazy"' in img and 'decoding="async"' in img for img in images)
    assert 'src="media/01-module/map.png"' in images[0]
    assert 'width="300" height="200"' in images[0]
    assert 'width="40" height="20"' in images[1]
    assert "height" not in images[2] and "height" not in images[3]  # remote, outside the course
    assert 'width="50"' in images[4] and "height" not in images[4]  # the author's size wins


def test_images_without_a_size_reader_still_lazy() -> None:
    html = render_markdown('![A](a.png)\n\n<img src="b.png" alt="B" loading="eager">')
    assert html.count('loading="lazy"') == 1 and 'loading="eager"' in html
    assert html.count('decoding="async"') == 2


def test_tables_scroll_by_keyboard_and_have_no_empty_headers() -> None:
    html = render_markdown("| | Offer A | Offer B |\n|---|---|--:|\n| Rate | 5% | 7% |")
    assert '<table tabindex="0">' in html
    assert "<td></td>" in html and "<th></th>" not in html
    assert "<th>Offer A</th>" in html and '<th class="align-end">Offer B</th>' in html


@pytest.mark.parametrize(("name", "format"), [("a.jpg", "JPEG"), ("b.webp", "WEBP"),
                                              ("c.png", "PNG"), ("d.gif", "GIF")])
def test_a_half_copied_picture_is_named_even_when_pillow_would_fill_it_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, format: str) -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process on import."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = _picture(tmp_path / name, (300, 200), format).read_bytes()
    assert image_problem(tmp_path / name) is None
    cut = tmp_path / ("cut-" + name)
    cut.write_bytes(whole[:len(whole) * 2 // 3])
    assert "damaged or cut short" in str(image_problem(cut))
