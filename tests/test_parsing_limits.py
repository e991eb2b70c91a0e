"""Trainer input that would make the server work for minutes (or fail) is refused up front.

Each case here is a real attack (a YAML alias bomb, markdown nested 40,000 deep, a zip with a
file and a folder of the same name); every test finishes well under a second because the
refusal comes from a cheap scan, before YAML or markdown builds anything.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from lms.auth.models import User
from lms.authoring.packages import ZipRefused, extract_package, pack_folder
from lms.courses.frontmatter import read_source
from lms.courses.package import check_courses

SAMPLE = Path(__file__).parent / "data" / "packages" / "good" / "sample-course"
LESSON = "01-basics/01-first-lesson.md"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Front matter of ~800 bytes that names 9**9 keys once the aliases are followed."""
    lines = ["---", "title: Bomb", "l0: &l0 {" + ", ".join(f"k{i}: lol" for i in range(width))
             + "}"]
    for n in range(1, levels):
        keys = ", ".join(f"k{i}: *l{n - 1}" for i in range(width))
        lines.append(f"l{n}: &l{n} {{{keys}}}")
    return "\n".join(lines) + "\n---\nText.\n"


def course_with(tmp_path: Path, rel: str, text: str | bytes) -> Path:
    root = tmp_path / "sample-course"
    shutil.copytree(SAMPLE, root)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode() if isinstance(text, str) else text)
    return root


def import_zip(client: FlaskClient, data: bytes) -> object:
    return client.post("/author/import", data={"package": (io.BytesIO(data), "c.zip")},
                       content_type="multipart/form-data")


# --- YAML anchors and aliases -------------------------------------------------------------

@pytest.mark.parametrize(("front", "line"), [
    ("title: x\nsummary: &s Hello\nobjectives: [*s]\n", 3),
    ("title: x\nbase: &b {a: 1}\nother:\n  <<: *b\n", 3),
    ("title: x\nobjectives:\n  - &o one\n", 4),
])
def test_front_matter_refuses_anchors_and_aliases(tmp_path: Path, front: str,
                                                  line: int) -> None:
    file = tmp_path / "x.md"
    file.write_text(f"---\n{front}---\nText.\n")
    source, problems = read_source(file, "x.md", PurePosixPath("x.md"))
    assert source is None
    assert [str(p) for p in problems] == [
        f"x.md:{line}: front matter may not use YAML anchors or aliases (& and *): "
        "write the value out in full"]


def test_a_real_alias_bomb_is_refused_by_the_checker(tmp_path: Path) -> None:
    root = course_with(tmp_path, LESSON, alias_bomb())
    messages = [str(p) for p in check_courses([root])]
    assert any(m.startswith(f"{root.as_posix()}/{LESSON}:3: ") and "anchors or aliases" in m
               for m in messages), messages


def test_deeply_nested_front_matter_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "x.md"
    file.write_text("---\ntitle: x\nsummary: " + "[" * 5000 + "]" * 5000 + "\n---\nText.\n")
    source, problems = read_source(file, "x.md", PurePosixPath("x.md"))
    assert source is None
    assert [str(p) for p in problems] == [
        "x.md:3: front matter nests more than 10 levels deep"]


def test_the_cli_checker_reports_the_bomb(runner: FlaskCliRunner, tmp_path: Path) -> None:
    root = course_with(tmp_path, LESSON, alias_bomb())
    result = runner.invoke(args=["courses", "check", str(root)])
    assert result.exit_code == 1
    assert f"{LESSON}:3: front matter may not use YAML anchors or aliases" in result.output


def test_the_browser_import_refuses_the_bomb(app: Flask, client: FlaskClient,
                                             make_user: Callable[..., User],
                                             login: Callable[[User], None],
                                             tmp_path: Path) -> None:
    login(make_user(role="trainer"))
    root = course_with(tmp_path, LESSON, alias_bomb())
    response = import_zip(client, pack_folder(root, "bomb-course"))
    assert response.status_code == 400
    assert "nothing was imported" in response.text
    assert "anchors or aliases" in response.text


# --- markdown size and nesting ------------------------------------------------------------

LESSON_HEAD = "---\ntitle: Deep\nestimated_minutes: 5\n---\n"  # the body starts on line 5


@pytest.mark.parametrize(("body", "line", "message"), [
    ("Intro.\n\n" + "[" * 40_000, 7, "more than 8 brackets [ or ( are open here"),
    ("[a](" * 9 + "x", 5, "more than 8 brackets [ or ( are open here"),
    ("Text [one\nand [two\n" * 5, 13, "more than 8 brackets [ or ( are open here"),
    ("\n".join("  " * i + "- item" for i in range(100)), 15,
     "lists, quotes and boxes nest more than 10 levels deep here"),
    ("\n".join(">" * i + " quote" for i in range(1, 100)), 15,
     "lists, quotes and boxes nest more than 10 levels deep here"),
    ("\n".join("    " * i + '!!! note "Box"' for i in range(50)), 10,
     "lists, quotes and boxes nest more than 10 levels deep here"),
])
def test_deep_markdown_is_refused_before_rendering(tmp_path: Path, body: str, line: int,
                                                   message: str) -> None:
    root = course_with(tmp_path, LESSON, LESSON_HEAD + body)
    messages = [str(p) for p in check_courses([root])]
    assert any(m.startswith(f"{root.as_posix()}/{LESSON}:{line}: {message}")
               for m in messages), messages


@pytest.mark.parametrize("body", [
    "[![A chain](chain.svg)](https://example.org/(wiki))",
    "Escaped: " + "\\[" * 50 + " and " + "\\(" * 50,
    "[one] [two] [three] " * 2000,
    "Open [ brackets [ close\n\n" * 20,
    "- - - - - - - - - - - - - - - - - - - -",
    "\n".join("  " * i + "- level" for i in range(8)),
    "> > quoted twice\n>\n> - a list [in (a) quote](https://example.org)",
])
def test_ordinary_markdown_passes_the_limits(tmp_path: Path, body: str) -> None:
    root = course_with(tmp_path, LESSON, LESSON_HEAD + body + "\n")
    assert not [p for p in check_courses([root]) if "nest" in str(p) or "open here" in str(p)]


def test_a_file_over_50_kb_is_refused(tmp_path: Path) -> None:
    root = course_with(tmp_path, LESSON, LESSON_HEAD + "Words and more words.\n" * 2500)
    messages = [str(p) for p in check_courses([root])]
    assert f"{root.as_posix()}/{LESSON}: the file is larger than 50 KB: split it into " \
        "several lessons" in messages


def test_a_course_over_500_kb_of_markdown_is_refused(tmp_path: Path) -> None:
    root = course_with(tmp_path, LESSON, LESSON_HEAD + "Words.\n")
    for number in range(12):
        (root / "01-basics" / f"{number + 10}-long.md").write_text(
            LESSON_HEAD + "Words and more words.\n" * 2000)
    total = sum(file.stat().st_size for file in root.rglob("*.md")) // 1000
    assert [str(p) for p in check_courses([root])] == [
        f"{root.as_posix()}/course.md: the course's markdown files hold {total} KB together; "
        "at most 500 KB are accepted: split it into several courses"]


def test_the_browser_import_refuses_deep_markdown(app: Flask, client: FlaskClient,
                                                  make_user: Callable[..., User],
                                                  login: Callable[[User], None],
                                                  tmp_path: Path) -> None:
    login(make_user(role="trainer"))
    root = course_with(tmp_path, LESSON, LESSON_HEAD + "[" * 40_000)
    response = import_zip(client, pack_folder(root, "deep-course"))
    assert response.status_code == 400
    assert "nothing was imported" in response.text
    assert "brackets [ or ( are open here" in response.text


def test_the_editor_saves_deep_markdown_but_reports_it(app: Flask, client: FlaskClient,
                                                       make_user: Callable[..., User],
                                                       login: Callable[[User], None]) -> None:
    """Saved (issue 14: saving never loses text), reported, and never rendered."""
    from authoring_support import LESSON as DRAFT_LESSON
    from authoring_support import SLUG, draft_root, save, two_lessons_and_a_quiz

    login(make_user(role="trainer"))
    two_lessons_and_a_quiz(client)
    response = save(client, DRAFT_LESSON, LESSON_HEAD + "> " * 5000 + "deep\n")
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = client.get(f"/author/courses/{SLUG}/edit/{DRAFT_LESSON}")
    assert page.status_code == 200
    assert "nest more than 10 levels" in page.text
    assert "deep" in (draft_root(app) / DRAFT_LESSON).read_text()


# --- a file and a folder of the same name in a zip ----------------------------------------

def clashing_zip(file_first: bool) -> bytes:
    """``a/b`` is a file and also the folder of ``a/b/c.md``: one of them cannot be written."""
    course = (SAMPLE / "course.md").read_bytes()
    entries = [("course.md", course), ("01-basics/notes", b"a file"),
               ("01-basics/notes/01-x.md", b"---\ntitle: x\n---\n")]
    if not file_first:
        entries.reverse()
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # pack_files would sort the names
        for rel, data in entries:
            archive.writestr(f"clash/{rel}", data)
    return buffer.getvalue()


@pytest.mark.parametrize("file_first", [True, False])
def test_a_file_and_a_folder_of_the_same_name_are_refused(tmp_path: Path,
                                                          file_first: bool) -> None:
    with pytest.raises(ZipRefused, match="clash/01-basics/notes is both a file and a folder"):
        extract_package(clashing_zip(file_first), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/course.md", b"x")
        archive.writestr("c/./course.md", b"y")
    with pytest.raises(ZipRefused, match="c/./course.md: this file is in the zip twice"):
        extract_package(buffer.getvalue(), tmp_path)


def test_the_browser_and_cli_import_refuse_the_clash(app: Flask, client: FlaskClient,
                                                     runner: FlaskCliRunner,
                                                     make_user: Callable[..., User],
                                                     login: Callable[[User], None],
                                                     tmp_path: Path) -> None:
    login(make_user(role="trainer"))
    response = import_zip(client, clashing_zip(True))
    assert response.status_code == 400
    assert "is both a file and a folder" in response.text
    archive = tmp_path / "clash.zip"
    archive.write_bytes(clashing_zip(False))
    result = runner.invoke(args=["courses", "import", str(archive)])
    assert result.exit_code == 1
    assert "clash/01-basics/notes is both a file and a folder" in result.output
