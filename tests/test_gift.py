"""GIFT import: a Moodle bank becomes a .quiz.md file that parses without problems."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lms.questions.gift import gift_to_markdown
from lms.questions.parse import QuestionSpec, parse_questions

BANK = Path(__file__).parent / "data" / "quizzes" / "fair-trade-bank.gift"


def convert(text: str) -> tuple[list[QuestionSpec], list[str], str]:
    """Convert, then parse the result back; any parse problem fails the test."""
    markdown, notes = gift_to_markdown(text, title="Bank")
    _, front, body = markdown.split("---\n", 2)
    assert yaml.safe_load(front) == {"title": "Bank"}
    specs, problems = parse_questions(body, path="bank.quiz.md", first_line=4)
    assert problems == [], markdown
    return specs, notes, markdown


def test_bank_converts_and_parses_back() -> None:
    markdown, notes = gift_to_markdown(BANK.read_text(encoding="utf-8"),
                                       title="Fair trade: question bank")
    front, body = markdown.split("---\n", 2)[1:]
    assert yaml.safe_load(front) == {"title": "Fair trade: question bank"}
    specs, problems = parse_questions(body, path="bank.quiz.md", first_line=4)
    assert problems == []
    assert [s.type for s in specs] == [
        "single", "multiple", "true-false", "true-false", "short", "matching", "numeric",
        "numeric", "numeric", "reflection", "cloze", "single", "short"]
    assert notes == [
        "line 24: feedback for a wrong true-false answer dropped",
        "line 43: numeric question: kept the 100% answer '6:1', dropped 1 other "
        "(partial-credit) answer(s)",
        "line 61: description-only item (no answers) not converted: "
        "'Read the next three questions carefully before you answer.'",
        "line 64: short answers with partial credit dropped",
    ]
    (single, multiple, false, true, short, matching, price, decade, share, essay, cloze, esc,
     _) = specs
    assert single.config["options"][0]["feedback_html"] == (
        "<p>No: the shop never touches the Premium.</p>")
    assert "General Assembly votes on how" in single.explanation_html
    assert "<strong>WFTO's</strong>" in multiple.prompt_html
    assert [o["correct"] for o in multiple.config["options"]] == [True, True, False]
    assert false.config == {"answer": False} and true.config == {"answer": True}
    assert "Yes, it comes on top." in true.explanation_html
    assert short.config["answers"] == ["Altromercato", "Altro Mercato"]
    assert len(matching.config["pairs"]) == 3
    assert price.config == {"answer": 1.8, "tolerance": 0.01}
    assert decade.config == {"answer": 1969.5, "tolerance": 9.5}
    assert share.config == {"answer": 6.0, "tolerance": 1.0}
    assert "Who do you think earned the most" in essay.context_html
    assert cloze.config["blanks"] == [["Minimum Price"]]
    assert "price = cost + margin" in esc.prompt_html and "{margin}" in esc.prompt_html


@pytest.mark.parametrize(("gift", "expected"), [
    ("Q? {=a ~b}", "## Q?\n- [x] a\n- [ ] b"),
    ("Q? {T}", "## Q?\nType: true-false\nAnswer: true"),
    ("Q? {FALSE}", "## Q?\nType: true-false\nAnswer: false"),
    ("Q? {=a =b}", "## Q?\nType: short\nAnswer: a\nAnswer: b"),
    ("Q? {#2}", "## Q?\nType: numeric\nAnswer: 2"),
    ("Q? {#1..2}", "## Q?\nType: numeric\nAnswer: 1.5 ± 0.5"),
    ("Q? {}", "## Q?\nType: reflection"),
    ("Q? {\n=a -> 1\n=b -> 2\n}", "## Q?\nType: matching\n- a -> 1\n- b -> 2"),
    ("::t::The {=big =large ~small} one.", "## Complete the sentence.\nType: cloze\n"
                                          "The [[big|large]] one."),
    ("[plain]Is 2*3 = 6? {T}", "## Is 2\\*3 = 6?\nType: true-false\nAnswer: true"),
    ("Q? {~%100%a ~b ####Because.}", "## Q?\n- [x] a\n- [ ] b\nExplanation: Because."),
    ("Q? {~%70%a ~%30%b ~c}", "## Q?\nType: multiple\n- [x] a\n- [x] b\n- [ ] c"),
])
def test_small_conversions(gift: str, expected: str) -> None:
    specs, _, markdown = convert(gift)
    assert markdown.split("---\n", 2)[2].strip() == expected
    assert len(specs) == 1


@pytest.mark.parametrize(("gift", "note"), [
    ("Just a description.", "line 1: description-only item (no answers) not converted"),
    ("Q? {=a", "line 1: '{' is never closed; not converted"),
    ("Q? {~a ~b}", "line 1: choice question has no correct answer; not converted"),
    ("Q? {#abc}", "line 1: numeric answer 'abc' does not parse; not converted"),
    ("Q? {#=%50%2}", "line 1: numeric question has no 100% answer; not converted"),
    ("Grant is {T} in Grant's tomb.",
     "line 1: a missing-word tf question cannot be a cloze; not converted"),
    ("Q? {=a -> 1 =b -> 2 = -> 3}", "line 1: matching distractors without a left item dropped"),
    ("Q? {~%70%a ~%30%b ~c}", "line 1: answer weights [30.0, 70.0] became equal shares"),
    ("Q? {=a#fine =b}", "line 1: feedback on short answers dropped"),
])
def test_lossy_or_impossible_items_are_reported(gift: str, note: str) -> None:
    _, notes = gift_to_markdown(gift, title="Bank")
    assert any(n.startswith(note) for n in notes), notes


def test_comments_categories_and_line_numbers() -> None:
    gift = "// header\n$CATEGORY: top\n\n// about Q\nQ1? {T}\n\n\nOnly text\n"
    markdown, notes = gift_to_markdown(gift, title="Bank")
    assert notes == ["line 8: description-only item (no answers) not converted: 'Only text'"]
    assert "header" not in markdown and "CATEGORY" not in markdown


def test_empty_bank() -> None:
    markdown, notes = gift_to_markdown("// nothing here\n", title="Empty")
    assert notes == []
    assert markdown.startswith("---\ntitle: Empty\n---\n")
