"""Tests for the pure course-package core: loading, checking and link rewriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.courses.package import check_courses, find_course_dirs, load_course

DATA = Path(__file__).parent / "data" / "packages"
GOOD = DATA / "good" / "sample-course"

COURSE = (
    '---\ntitle: Tiny\nsummary: A tiny course.\ntopic: other\nlanguages: [en, it]\nversion: "1.0"\n'
    "---\nA test course.\n"
)
MODULE = "---\ntitle: Basics\n---\n"
LESSON = "---\ntitle: Intro\nestimated_minutes: 5\n---\nSome text.\n\n## Part one\n\nMore text.\n"


# -- the good course ---------------------------------------------------------------------


def test_good_course_loads_without_problems() -> None:
    spec, problems = load_course(GOOD)
    # Its second module is left in English on purpose (the fallback is tested with it).
    assert [(Path(p.path).name, p.is_error) for p in problems] == [
        ("01-with-a-quiz.it.md", False), ("module.it.md", False)]
    assert spec is not None
    assert (spec.slug, spec.topic, spec.version) == ("sample-course", "fair-trade", "1.0")
    assert spec.languages == ("en", "it") and spec.default_language == "en"
    assert spec.authors == ("Ada Tester", "Bruno Prova") and spec.certificate is True
    assert spec.licence == "CC BY-SA 4.0" and spec.audience == "Testers"
    assert spec.estimated_minutes == 10 + 2 + 7  # computed: the quiz counts a minute a question
    assert spec.media == ("01-basics/chain.svg", "cover.svg")
    assert set(spec.texts) == {"en", "it"} and spec.texts["it"].title == "Corso di esempio"
    assert spec.teacher_guide["en"].title == "Notes for teachers"
    assert [m.slug for m in spec.modules] == ["basics", "further"]  # "further" from id:
    assert len(spec.content_hash) == 64


def test_good_course_items() -> None:
    spec, _ = load_course(GOOD)
    assert spec is not None
    basics, further = spec.modules
    assert (
        set(basics.texts) == {"en", "it"} and basics.texts["en"].summary == "Where the money goes."
    )
    lesson, quiz = basics.items
    assert (lesson.slug, lesson.kind, lesson.position, lesson.estimated_minutes) == (
        "first-lesson", "lesson", 1, 10
    )  # fmt: skip
    assert lesson.quiz is None
    italian = lesson.texts["it"]
    assert italian.title == "Segui i soldi"
    assert italian.source_path == "sample-course/01-basics/01-first-lesson.it.md"
    assert italian.objectives == ("Nominare gli anelli di una filiera",)
    assert (quiz.slug, quiz.kind, quiz.position) == ("check", "quiz", 2)
    assert quiz.quiz.pass_mark == 50 and quiz.quiz.attempts == 2
    assert len(quiz.texts["en"].questions) == 2 and len(quiz.texts["it"].questions) == 2
    (with_quiz,) = further.items
    assert with_quiz.kind == "lesson" and with_quiz.quiz.show_answers == "after_pass"
    assert len(with_quiz.texts["en"].questions) == 1
    assert "quiz" not in with_quiz.texts["en"].html and "How many" not in with_quiz.texts["en"].html


def test_good_course_urls_are_rewritten_for_each_page_depth() -> None:
    spec, _ = load_course(GOOD)
    assert spec is not None
    assert 'href="basics/first-lesson/"' in spec.texts["en"].html
    assert 'src="media/cover.svg"' in spec.texts["en"].html
    assert 'href="../media/cover.svg"' in spec.teacher_guide["en"].html
    lesson_html = spec.modules[0].items[0].texts["en"].html
    assert 'src="../../media/01-basics/chain.svg"' in lesson_html
    assert 'href="../../basics/check/"' in lesson_html
    assert 'href="../../further/with-a-quiz/#why"' in lesson_html
    assert '<table tabindex="0">' in lesson_html
    assert '<th class="align-end">Share</th>' in lesson_html
    other = spec.modules[1].items[0].texts["en"].html
    assert 'href="../../basics/first-lesson/"' in other  # a link to a translation file


def test_content_hash_follows_the_files(tmp_path: Path) -> None:
    copy = tmp_path / "sample-course"
    shutil.copytree(GOOD, copy)
    first, _ = load_course(copy)
    (copy / "01-basics" / "02-check.quiz.it.md").write_text(
        (copy / "01-basics" / "02-check.quiz.it.md").read_text().replace("Verifica", "Controllo")
    )
    second, _ = load_course(copy)
    assert first is not None and second is not None
    assert first.content_hash != second.content_hash
    assert first.modules[0].items[0].content_hash == second.modules[0].items[0].content_hash
    assert first.modules[0].items[1].content_hash != second.modules[0].items[1].content_hash


def test_find_course_dirs(tmp_path: Path) -> None:
    assert find_course_dirs([GOOD]) == [GOOD]
    assert find_course_dirs([DATA / "good"]) == [GOOD]
    assert find_course_dirs([tmp_path]) == []
    assert len(find_course_dirs([DATA / "broken"])) == 10


def test_check_courses_reports_a_folder_without_courses(tmp_path: Path) -> None:
    assert [str(p) for p in check_courses([tmp_path])] == [
        f"{tmp_path.as_posix()}: no course here: a course folder holds a course.md"
    ]
    assert [p for p in check_courses([DATA / "good"]) if p.is_error] == []


# -- the broken packages in tests/data -----------------------------------------------------

BROKEN = {
    "bad-yaml": "course.md:3: front matter is not valid YAML: mapping values are not allowed "
    "here (put text that contains ': ' in quotes)",
    "missing-title": '01-basics/01-intro.md:1: missing required key "title"',
    "duplicate-ids": '01-basics/02-again.md:3: duplicate id "intro": 01-intro.md has it too',
    "unknown-key": '01-basics/01-intro.md:4: unknown key "summry" '
    "(allowed: title, summary, objectives, estimated_minutes, id, quiz, review, reviewed_by)",
    "broken-link": "01-basics/01-intro.md:11: link target not found: 02-missing.md",
    "missing-image": "01-basics/01-intro.md:11: image not found: chart.svg",
    "image-without-alt": "01-basics/01-intro.md:11: image has no alt text: "
    "describe it, e.g. ![What it shows](chart.svg)",
    "skipped-heading": "01-basics/01-intro.md:11: heading skips a level: #### after ##, use ###",
    "not-utf8": "01-basics/01-intro.md: file is not valid UTF-8 text",
    "undeclared-language": '01-basics/01-intro.de.md: language "de" is not one of the '
    "course languages (en)",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_package(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)  # paths in messages are as the caller gave them
    spec, problems = load_course(Path("broken", case))
    assert spec is None
    assert [str(p) for p in problems] == [f"broken/{case}/{BROKEN[case]}"]


def test_check_courses_lists_every_broken_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    problems = [str(p) for p in check_courses([Path("broken")])]
    assert problems == sorted(f"broken/{case}/{message}" for case, message in BROKEN.items())


# -- more checks, on a tiny course written per test -----------------------------------------


def make_course(tmp_path: Path, files: dict[str, str | bytes | None]) -> Path:
    """A valid tiny course in tmp_path/tiny, with ``files`` added, replaced or (None) removed."""
    root = tmp_path / "tiny"
    layout: dict[str, str | bytes | None] = {
        "course.md": COURSE,
        "01-basics/module.md": MODULE,
        "01-basics/01-intro.md": LESSON,
        **files,
    }
    for rel, content in layout.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


MISSING_TRANSLATION = "but this file is missing; learners reading"


def problems_of(root: Path) -> list[str]:
    """Problems as strings, with the course root shortened to ``tiny``.

    The tiny course declares Italian but is written in English only; the warnings for its
    missing Italian files are checked once, in test_missing_translations_are_warnings.
    """
    _, problems = load_course(root)
    return [str(p).replace(root.as_posix(), "tiny") for p in problems
            if MISSING_TRANSLATION not in str(p)]


def test_missing_translations_are_warnings(tmp_path: Path) -> None:
    root = make_course(tmp_path, {"01-basics/module.it.md": "---\ntitle: Basi\n---\n",
                                  "01-basics/02-q.quiz.md": "---\ntitle: Q\n---\n## A?\n"
                                                            "Type: true-false\nAnswer: true\n"})
    spec, problems = load_course(root)
    assert spec is not None
    assert [str(p).replace(root.as_posix(), "tiny") for p in problems] == [
        f"tiny/01-basics/{name}.it.md: warning: the course is in it but this file is missing; "
        "learners reading it see the original" for name in ("01-intro", "02-q.quiz")]


def lesson(body: str, front: str = "") -> str:
    return f"---\ntitle: Intro\nestimated_minutes: 5\n{front}---\n{body}"


CASES: dict[str, tuple[dict[str, str | bytes | None], list[str]]] = {
    "no front matter": (
        {"01-basics/01-intro.md": "# Intro\n"},
        ["tiny/01-basics/01-intro.md:1: missing front matter: start the file with a --- line, "
         "then key: value lines"],
    ),
    "front matter not closed": (
        {"01-basics/01-intro.md": "---\ntitle: Intro\n"},
        ["tiny/01-basics/01-intro.md:1: front matter is not closed: add a --- line after it"],
    ),
    "wrong types": (
        {"course.md": COURSE.replace('"1.0"', "1.0").replace("[en, it]", "en")
         + "", "01-basics/01-intro.md": LESSON.replace("5", "five")},
        ["tiny/01-basics/01-intro.md:3: estimated_minutes must be a whole number of minutes, "
         "1 or more",
         "tiny/course.md:5: languages must be a list of language codes, e.g. languages: [en, it]",
         'tiny/course.md:6: version must be text in quotes, e.g. version: "1.0"'],
    ),
    "topic and default language": (
        {"course.md": COURSE.replace("topic: other", "topic: cooking\ndefault_language: de")},
        ['tiny/course.md:4: topic must be one of interculturalism, fair-trade, ethical-finance, '
         "other (not 'cooking')",
         'tiny/course.md:5: default_language "de" is not in languages (en, it)'],
    ),
    "ids that are not slugs": (
        {"01-basics/01-intro.md": None, "01-basics/01-Intro_Page.md": LESSON,
         "01-basics/02-next.md": lesson("Text.\n", "id: Next\n")},
        ['tiny/01-basics/01-Intro_Page.md: id "Intro_Page" is not a lowercase slug: '
         "use a-z, 0-9 and single hyphens",
         "tiny/01-basics/02-next.md:4: id 'Next' is not a lowercase slug: use a-z, 0-9 and "
         "single hyphens"],
    ),
    "duplicate module ids": (
        {"02-other/module.md": "---\ntitle: Other\nid: basics\n---\n",
         "02-other/01-x.md": LESSON},
        ['tiny/02-other/module.md:3: duplicate id "basics": 01-basics has it too'],
    ),
    "translation without original": (
        {"01-basics/02-only.it.md": "---\ntitle: Solo\n---\nTesto.\n"},
        ["tiny/01-basics/02-only.it.md: translation without its original: 02-only.md is missing"],
    ),
    "translation repeats a setting": (
        {"01-basics/01-intro.it.md": "---\ntitle: Intro\nestimated_minutes: 5\n---\nTesto.\n"},
        ['tiny/01-basics/01-intro.it.md:3: "estimated_minutes" comes from the default-language '
         "file: remove it from the translation"],
    ),
    "files that are not markdown or media": (
        {"01-basics/notes.txt": "x", "01-basics/notes.md": "x"},
        ["tiny/01-basics/notes.md: markdown file is not a lesson: name it NN-name.md or "
         "NN-name.quiz.md",
         "tiny/01-basics/notes.txt: warning: file is neither markdown nor media (.svg, .png, "
         ".jpg, .gif, .webp): not published"],
    ),
    "course without modules": (
        {"01-basics/module.md": None, "01-basics/01-intro.md": None},
        ["tiny/course.md: course has no modules: add a folder such as 01-first-module"],
    ),
    "module without items or module.md": (
        {"01-basics/01-intro.md": None, "01-basics/module.md": None, "01-basics/x.svg": "<svg/>"},
        ["tiny/01-basics: module has no lessons or quizzes",
         "tiny/01-basics: module.md is missing"],
    ),
    "heading 1, vague and empty links": (
        {"01-basics/01-intro.md": lesson("# Big\n\nRead [click here](https://e.org), [](https://e.org)"
                                         " and [a page]().\n\n`[here](x.md)` is code.\n")},
        ["tiny/01-basics/01-intro.md:5: use ## instead of #: the title is already the page heading",
         "tiny/01-basics/01-intro.md:7: link has no address",
         "tiny/01-basics/01-intro.md:7: link has no text: say where it goes",
         'tiny/01-basics/01-intro.md:7: link text "click here" does not say where the link goes'],
    ),
    "code blocks are not linted": (
        {"01-basics/01-intro.md": lesson("```markdown\n# Not a heading\n![](x.png)\n```\n")},
        [],
    ),
    "quiz block not at the end": (
        {"01-basics/01-intro.md": lesson(
            "Text.\n\n```quiz\n## Q?\nType: true-false\nAnswer: true\n```\n\nMore.\n")},
        ["tiny/01-basics/01-intro.md:7: the quiz block must be the last thing in the lesson"],
    ),
    "quiz settings without a quiz block": (
        {"01-basics/01-intro.md": lesson("Text.\n", "quiz:\n  pass_mark: 80\n")},
        ["tiny/01-basics/01-intro.md:4: quiz settings given but the lesson does not end with a "
         "```quiz block"],
    ),
    "translated quiz with fewer questions": (
        {"01-basics/02-q.quiz.md": "---\ntitle: Q\n---\n## A?\nType: true-false\nAnswer: true\n\n"
                                   "## B?\nType: true-false\nAnswer: false\n",
         "01-basics/02-q.quiz.it.md":
             "---\ntitle: Q\n---\n## A?\nType: true-false\nAnswer: true\n"},
        ["tiny/01-basics/02-q.quiz.it.md:4: the translation has 1 questions, the original 2: "
         "repeat every question in the same order"],
    ),
    "translated quiz with another answer key": (
        {"01-basics/02-q.quiz.md": "---\ntitle: Q\n---\n## A?\n- [x] one\n- [ ] two\n\n"
                                   "## B?\nType: numeric\nAnswer: 2240\n\n"
                                   "## C?\nType: matching\n- one -> 1\n- two -> 2\n\n"
                                   "## D?\nType: short\nAnswer: Padua\n",
         "01-basics/02-q.quiz.it.md":
             "---\ntitle: Q\n---\n## A?\n- [ ] uno\n- [x] due\n\n"
             "## B?\nType: numeric\nAnswer: 2250\n\n"
             "## C?\nType: matching\n- uno -> 1\n- due -> 1\n- tre -> 1\n\n"
             "## D?\nType: short\nAnswer: Padova\n"},
        [f"tiny/01-basics/02-q.quiz.it.md:{line}: question {number} does not have the same "
         f"right answers as in the original (tiny/01-basics/02-q.quiz.md:{original}): keep the "
         "options, pairs, items, blanks and numbers in the same order and mark the same ones "
         "right" for number, line, original in ((1, 4, 4), (2, 8, 8), (3, 12, 12))],
    ),
    "duplicate yaml key and link outside the course": (
        {"01-basics/01-intro.md": lesson("See [the secret](../../secret.md).\n", "title: Again\n")},
        ['tiny/01-basics/01-intro.md:4: duplicate key "title"',
         "tiny/01-basics/01-intro.md:6: link target points outside the course folder: "
         "../../secret.md"],
    ),
    "html image without alt": (
        {"01-basics/01-intro.md": lesson('<img src="x.svg">\n'), "01-basics/x.svg": "<svg/>"},
        ["tiny/01-basics/01-intro.md:5: image has no alt text: describe it, "
         "e.g. ![What it shows](x.svg)"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_checks(case: str, tmp_path: Path) -> None:
    files, expected = CASES[case]
    assert problems_of(make_course(tmp_path, files)) == expected


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    root = make_course(tmp_path, {"01-basics/notes.txt": "x", "course.md": COURSE.replace(
        "languages: [en, it]", "languages: [en]")})
    spec, problems = load_course(root)
    assert spec is not None and [p.is_error for p in problems] == [False]


def test_quiz_estimated_minutes_and_lesson_quiz_line_numbers(tmp_path: Path) -> None:
    body = "Text.\n\n```quiz\n## Q?\nType: true-false\nAnswer: maybe\n```\n"
    root = make_course(tmp_path, {"01-basics/01-intro.md": lesson(body)})
    problems = problems_of(root)
    # The quiz parser's problem points at the real file line of "Answer: maybe".
    assert problems and all(p.startswith("tiny/01-basics/01-intro.md:10: ") for p in problems)
