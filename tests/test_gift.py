"""GIFT import: a Moodle bank becomes a .quiz.md file that parses without problems, and
whatever our syntax cannot hold is reported with its line."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from lms.courses.package import check_courses
from lms.questions.gift import GiftImport, gift_to_markdown
from lms.questions.gift_text import plain_number
from lms.questions.parse import QuestionSpec, parse_questions

DATA = Path(__file__).parent / "data"
BANK = DATA / "quizzes" / "fair-trade-bank.gift"
GIFT = DATA / "gift"
SAMPLE = DATA / "packages" / "good" / "sample-course"


def parsed(result: GiftImport) -> list[QuestionSpec]:
    """The questions of a converted file; any problem the checker finds fails the test."""
    _, front, body = result.markdown.split("---\n", 2)
    assert set(yaml.safe_load(front)) == {"title"}
    specs, problems = parse_questions(body, path="bank.quiz.md", first_line=4)
    assert problems == [], result.markdown
    return specs


def convert(text: str) -> tuple[list[QuestionSpec], list[str], str]:
    result = gift_to_markdown(text, title="Bank")
    return parsed(result), [str(n) for n in result.notes], result.markdown.split("---\n", 2)[2]


@pytest.mark.parametrize("name", ["moodle-cases", "issue-20"])
def test_gift_files_convert_as_reviewed(name: str) -> None:
    """Moodle's importer test cases and the issue's examples, against reviewed output."""
    result = gift_to_markdown((GIFT / f"{name}.gift").read_text(encoding="utf-8"), title=name)
    assert result.markdown == (GIFT / f"{name}.quiz.md").read_text(encoding="utf-8")
    assert [str(n) for n in result.notes] == (
        GIFT / f"{name}.notes").read_text(encoding="utf-8").splitlines()
    parsed(result)


def test_moodle_cases_types_and_counts() -> None:
    result = gift_to_markdown((GIFT / "moodle-cases.gift").read_text(encoding="utf-8"),
                              title="Moodle")
    specs = parsed(result)
    assert [s.type for s in specs] == [
        "reflection", "matching", "single", "multiple", "multiple", "numeric", "numeric",
        "numeric", "short", "short", "true-false", "true-false", "true-false", "reflection",
        "single", "single", "numeric", "single", "reflection", "reflection"]
    # 21 questions: one description is not converted; 11 converted ones lost something
    assert (result.converted, result.changed, result.not_converted) == (20, 11, 1)
    matching, numeric, partial, short, false = specs[1], specs[5], specs[6], specs[8], specs[10]
    assert [p["left"] for p in matching.config["pairs"]][0] == (
        "An activity supporting asynchronous discussions.")  # no [html] left in the text
    assert numeric.config == {"answer": 3.0, "tolerance": 2.0}  # {#3:2~#Completely wrong}
    assert partial.config == {"answer": 4.0, "tolerance": 0.0}
    assert short.config["answers"] == ["Frog"]
    assert false.config == {"answer": False}


def test_multiple_choice_blank_keeps_its_options_and_punctuation() -> None:
    specs, notes, markdown = convert(
        "The first edition was published in {~2008 =2018 ~1998}, three years later.")
    (question,) = specs
    assert question.type == "single"
    assert question.prompt_html == "The first edition was published in _____, three years later."
    assert [(o["html"], o["correct"]) for o in question.config["options"]] == [
        ("2008", False), ("2018", True), ("1998", False)]
    assert notes == [] and "[[" not in markdown


@pytest.mark.parametrize(("gift", "html"), [
    ("[plain]Is a <tag> shown? {T}", "Is a &lt;tag&gt; shown?"),
    ("What is 2*3*4? {#24}", "What is 2*3*4?"),
    ("[html]Is <b>this</b> bold? {T}", "Is <b>this</b> bold?"),
    ("[markdown]Is **this** bold? {T}", "Is <strong>this</strong> bold?"),
    ("Is a_b_c or [x] or ~y~ literal? {T}", "Is a_b_c or [x] or ~y~ literal?"),
    ("What does C# add? {T}", "What does C# add?"),
])
def test_text_is_escaped_for_markdown_by_its_format(gift: str, html: str) -> None:
    specs, _, _ = convert(gift)
    assert specs[0].prompt_html == html


def test_format_markers_leave_options_and_feedback() -> None:
    specs, _, _ = convert("Pick {\n=[plain]a <tag>#[html]<i>yes</i>\n~[moodle]no#[markdown]*no*\n"
                          "####[plain]For *all*.}")
    options = specs[0].config["options"]
    assert [o["html"] for o in options] == ["a &lt;tag&gt;", "no"]
    assert "<i>yes</i>" in options[0]["feedback_html"] and "[html]" not in options[0][
        "feedback_html"]
    assert "<em>no</em>" in options[1]["feedback_html"]
    assert "For *all*." in specs[0].explanation_html


@pytest.mark.parametrize(("gift", "config", "note"), [
    ("Q? {#3:2}", {"answer": 3.0, "tolerance": 2.0}, None),
    ("Q? {#1..5}", {"answer": 3.0, "tolerance": 2.0}, None),
    ("Q? {#3:2~#Completely wrong}", {"answer": 3.0, "tolerance": 2.0},
     "line 1: feedback for other answers dropped: 'Completely wrong'"),
    ("Q? {#=%50%3:2 =4:0 ~#Completely wrong}", {"answer": 4.0, "tolerance": 0.0},
     "line 1: the answer '3:2' worth 50% dropped: only '4:0' is kept"),
    ("Q? {#1200}", {"answer": 1200.0, "tolerance": 0.0}, None),
    ("Q? {#1.800:0.001}", {"answer": 1.8, "tolerance": 0.001}, None),
    ("Q? {#2.5e3}", {"answer": 2500.0, "tolerance": 0.0}, None),
    ("Q? {#-5..-1}", {"answer": -3.0, "tolerance": 2.0}, None),
    ("Q? {#3:-2}", {"answer": 3.0, "tolerance": 2.0},
     "line 1: the negative tolerance in '3:-2' read as a positive one"),
])
def test_numeric_forms(gift: str, config: dict[str, float], note: str | None) -> None:
    specs, notes, _ = convert(gift)
    assert specs[0].config == config
    assert notes == [] if note is None else note in notes


@pytest.mark.parametrize(("text", "written"), [
    ("1.80", "1.80"), ("1.800", "1.8"), ("3.142", "3.1420"), ("1e3", "1000"), ("+5", "5"),
    ("20000", "20000"), ("-0", "0"), ("0.5", "0.5"), (".5", "0.5"),
])
def test_numbers_are_written_as_the_checker_reads_them(text: str, written: str) -> None:
    assert plain_number(text) == written


@pytest.mark.parametrize(("gift", "expected"), [
    ("Q? {=a ~b}", "## Q?\n- [x] a\n- [ ] b"),
    ("Q? {T}", "## Q?\nType: true-false\nAnswer: true"),
    ("Q? {FALSE}", "## Q?\nType: true-false\nAnswer: false"),
    ("Q? {=a =b}", "## Q?\nType: short\nAnswer: a\nAnswer: b"),
    ("Q? {#2}", "## Q?\nType: numeric\nAnswer: 2"),
    ("Q? {#1..2}", "## Q?\nType: numeric\nAnswer: 1.5 ± 0.5"),
    ("Q? {}", "## Q?\nType: reflection"),
    ("Q? {\n=a -> 1\n=b -> 2\n}", "## Q?\nType: matching\n- a -> 1\n- b -> 2"),
    ("The {=big =large} one.", "## The \\_\\_\\_\\_\\_ one.\nType: short\nAnswer: big\n"
                               "Answer: large"),
    ("[plain]Is 2*3 = 6? {T}", "## Is 2\\*3 = 6?\nType: true-false\nAnswer: true"),
    ("Q? {=a ~b ####Because.}", "## Q?\n- [x] a\n- [ ] b\nExplanation: Because."),
    ("Q? {~%100%a ~b}", "## Q?\nType: multiple\n- [x] a\n- [ ] b"),
    ("{T}", "## Question 1\nType: true-false\nAnswer: true"),
    ("[plain]Answer: yes?\n- [x] no {T}",
     "## Answer&#58; yes?\n\n\\- \\[x\\] no\nType: true-false\nAnswer: true"),
])
def test_small_conversions(gift: str, expected: str) -> None:
    specs, _, markdown = convert(gift)
    assert markdown.strip() == expected
    assert len(specs) == 1


@pytest.mark.parametrize(("gift", "note"), [
    ("Just a description.", "line 1: not converted: a description (no answers)"),
    ("Q? {=a", "line 1: not converted: the braces around the answers do not match"),
    ("Q? } {=a}", "line 1: not converted: the braces around the answers do not match"),
    ("Q? {~a ~b}", "line 1: not converted: no answer has a positive weight"),
    ("Q? {#abc}", "line 1: not converted: the numeric answer 'abc' is not a number"),
    ("Q? {#=%50%2}", "line 1: not converted: no numeric answer is worth 100%"),
    ("Q? {=a -> 1 =b -> 2 = -> 3}", "line 1: the extra answer '3' (a distractor) dropped"),
    ("Q? {=a -> 1 =b}", "line 1: not converted: the matching answer 'b' has no '->'"),
    ("Q? {=a -> 1 = -> 2}", "line 1: not converted: the converted question does not check: "
                            "a matching question needs at least two"),
    ("Q? {~%70%a ~%30%b ~c}", "line 1: scoring changed from the weights 70%, 30%, 0%"),
    ("Q? {=a#fine =b}", "line 1: feedback on the answer 'a' dropped: 'fine'"),
    ("Q? {=colo*r}", "line 1: '*' is a wildcard in GIFT short answers"),
    ("Q? {=a ~%50%b ~c}", "line 1: the 50% for 'b' dropped"),
    ("Q? {=a =b ~c}", "line 1: 2 answers are fully right in a one-answer question"),
    ("Q? {true}", "line 1: {true} is a short answer in GIFT"),
    ("Q? {T#no#yes}", "line 1: feedback for a right answer dropped: 'yes'"),
    ("Q? {=a} and {=b}", "line 1: only the first {…} holds answers"),
    ("// [tag:x]\nQ? {T}", "line 2: Moodle tags and id numbers"),
    ("$CATEGORY: top/x\n\nQ? {T}", "line 1: category 'top/x' ignored"),
])
def test_lossy_or_impossible_items_are_reported(gift: str, note: str) -> None:
    result = gift_to_markdown(gift, title="Bank")
    assert any(str(n).startswith(note) for n in result.notes), result.notes
    assert len(parsed(result) if result.converted else []) == result.converted


def test_summary_counts_questions_not_messages() -> None:
    gift = ("Q1? {=a#x ~b#y ~%50%c}\n\nQ2? {T}\n\nQ3? {#=1 =%50%2#z}\n\nOnly text\n\n"
            "Q5? {~a ~b}\n")
    result = gift_to_markdown(gift, title="Bank")
    assert len(result.notes) == 5
    assert (result.converted, result.changed, result.not_converted) == (3, 2, 2)


def test_comments_categories_and_line_numbers() -> None:
    gift = "// header\n$CATEGORY: top\n\n// about Q\nQ1? {T}\n\n\nOnly text\n"
    result = gift_to_markdown(gift, title="Bank")
    assert [str(n) for n in result.notes] == [
        "line 2: category 'top' ignored: a quiz file has no categories",
        "line 8: not converted: a description (no answers) is not a question"]
    assert "header" not in result.markdown and "CATEGORY" not in result.markdown


def test_windows_files_read_like_others() -> None:
    result = gift_to_markdown("\ufeff// exported\r\n::q::Q1? {\r\n=a\r\n~b\r\n}\r\n", title="W")
    assert result.notes == [] and result.markdown.endswith("## Q1?\n- [x] a\n- [ ] b\n")


def test_empty_bank() -> None:
    result = gift_to_markdown("// nothing here\n", title="Empty")
    assert result.notes == [] and result.converted == 0
    assert result.markdown.startswith("---\ntitle: Empty\n---\n")


def test_bank_converts_and_parses_back() -> None:
    result = gift_to_markdown(BANK.read_text(encoding="utf-8"), title="Fair trade: bank")
    specs = parsed(result)
    assert [s.type for s in specs] == [
        "single", "multiple", "true-false", "true-false", "short", "matching", "numeric",
        "numeric", "numeric", "reflection", "single", "single", "short"]
    single, multiple, _, _, _, _, price, decade, _, essay, blank, escapes, _ = specs
    assert single.config["options"][0]["feedback_html"] == (
        "<p>No: the shop never touches the Premium.</p>")
    assert "General Assembly votes on how" in single.explanation_html
    assert "<strong>WFTO's</strong>" in multiple.prompt_html
    assert price.config == {"answer": 1.8, "tolerance": 0.01}
    assert decade.config == {"answer": 1969.5, "tolerance": 9.5}
    assert "Who do you think earned the most" in essay.context_html
    assert blank.prompt_html == "The Fairtrade _____ is a floor, not a ceiling."
    assert len(blank.config["options"]) == 3
    assert "price = cost + margin" in escapes.prompt_html and "{margin}" in escapes.prompt_html


# --- every conversion passes the checker -----------------------------------------------------

_TEXTS = ["Plain words", "2*3*4 and a_b", "<b>bold</b> & <tag>", "[link](x) ~s~ |p|",
          "Answer: yes", "- [x] ticked", "1. first", "## head", "# C#", "> quote", ":def",
          "Type: short", "```code```", "x -> y", "[[gap]]", "\\{\\}\\~\\=\\#\\:", "a\\nb",
          "!!! note", "---", "é ñ 中文 😀", "  spaced  ", "100%", "&amp; &#35;", "**", "_"]
_FORMATS = ["", "[html]", "[plain]", "[moodle]", "[markdown]"]


def _random_answers(rng: random.Random) -> str:
    def text() -> str:
        return rng.choice(_FORMATS) + rng.choice(_TEXTS)

    def feedback() -> str:
        return rng.choice(["", "#" + text()])

    def weight() -> str:
        return rng.choice(["", "", "%50%", "%-100%", "%100%", "%33.3%", "%0%"])

    kind = rng.choice(["choice", "multi", "tf", "short", "numeric", "matching", "essay"])
    count = rng.randint(1, 4)
    if kind == "choice":
        return " ".join(rng.choice(["=", "~", "~" + weight()]) + text() + feedback()
                        for _ in range(count))
    if kind == "multi":
        return " ".join("~" + weight() + text() + feedback() for _ in range(count))
    if kind == "tf":
        return rng.choice(["T", "F", "TRUE", "FALSE", "true"]) + feedback() + feedback()
    if kind == "short":
        return " ".join("=" + weight() + text() + feedback() for _ in range(count))
    if kind == "numeric":
        numbers = ["3", "3:2", "1..5", "1.800", "-2.5e1:0.5", "x", "1,5", "7:-1"]
        body = " ".join("=" + weight() + rng.choice(numbers) + feedback() for _ in range(count))
        return "#" + rng.choice([body, rng.choice(numbers)]) + rng.choice(["", "~#" + text()])
    if kind == "matching":
        return " ".join("=" + rng.choice(["", text()]) + " -> " + rng.choice(_TEXTS)
                        for _ in range(count))
    return ""


def _random_bank(seed: int) -> tuple[str, int]:
    rng = random.Random(seed)
    items = []
    for _ in range(rng.randint(1, 8)):
        answers = _random_answers(rng)
        if rng.random() < 0.2:
            answers += " ####" + rng.choice(_FORMATS) + rng.choice(_TEXTS)
        title = rng.choice(["", "::name::", "::A title::"])
        before = rng.choice(_FORMATS) + rng.choice(_TEXTS)
        after = rng.choice(["", "", ".", ", and " + rng.choice(_TEXTS)])
        items.append(f"// question\n{title}{before} {{{answers}}}{after}")
    return "\n\n".join(items) + "\n", len(items)


@pytest.mark.parametrize("seed", range(150))
def test_every_conversion_parses_without_problems(seed: int) -> None:
    """Property: whatever the bank, the output checks clean and every question is counted."""
    gift, count = _random_bank(seed)
    result = gift_to_markdown(gift, title="Random")
    specs = parsed(result) if result.converted else []
    assert len(specs) == result.converted
    assert result.converted + result.not_converted == count, gift


def test_converted_banks_pass_the_course_checker(tmp_path: Path) -> None:
    """The whole checker (``lms courses check``), not only the quiz parser, accepts the files."""
    root = tmp_path / "sample-course"
    shutil.copytree(SAMPLE, root)
    module = next(p for p in sorted(root.iterdir()) if (p / "module.md").is_file())
    sources = [BANK, *sorted(GIFT.glob("*.gift"))]
    for index, source in enumerate(sources, start=1):
        result = gift_to_markdown(source.read_text(encoding="utf-8"), title=source.stem)
        (module / f"9{index}-{source.stem}.quiz.md").write_text(result.markdown,
                                                                encoding="utf-8")
    problems = check_courses([root])
    assert [str(p) for p in problems if p.is_error] == []
    # The certificate warning is about the quiz's settings in this course (defaults, in a
    # course with a certificate), which the author chooses after the import.
    assert [str(p) for p in problems if ".quiz.md" in p.path
            and "translation" not in p.message
            and "leads to the certificate" not in p.message] == []
