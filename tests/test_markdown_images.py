"""Lesson images load lazily, decode asynchronously and carry their size (no layout jumps)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from lms.markdown import image_size_in, read_image_size, render_markdown


def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_image_sizes_from_headers(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(_png(640, 360))
    (tmp_path / "b.gif").write_bytes(b"GIF89a" + struct.pack("<HH", 32, 16) + b"\0" * 8)
    (tmp_path / "c.svg").write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
                                    ' viewBox="0 0 800 450.4"><rect/></svg>')
    (tmp_path / "d.svg").write_text('<svg width="120px" height="80" viewBox="0 0 1 1"/>')
    (tmp_path / "e.svg").write_text('<svg width="100%" height="100%"/>')
    (tmp_path / "f.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    assert read_image_size(tmp_path / "a.png") == (640, 360)
    assert read_image_size(tmp_path / "b.gif") == (32, 16)
    assert read_image_size(tmp_path / "c.svg") == (800, 450)
    assert read_image_size(tmp_path / "d.svg") == (120, 80)
    assert read_image_size(tmp_path / "e.svg") is None
    assert read_image_size(tmp_path / "f.jpg") is None


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
