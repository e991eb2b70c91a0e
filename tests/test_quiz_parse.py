"""Parsing quiz files: questions with exact problem lines, and quiz settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.questions.parse import parse_questions
from lms.questions.settings import QuizSettings, parse_quiz_settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "quizzes"


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int, dict[str, int]]:
    """Front matter, body, the body's first line and each key's line (a test-only helper)."""
    lines = text.splitlines()
    end = lines.index("---", 1)
    key_lines = {m.group(1): i + 1 for i, line in enumerate(lines[1:end], start=1)
                 if (m := re.match(r"^(\w+):", line))}
    return yaml.safe_load("\n".join(lines[1:end])), "\n".join(lines[end + 1:]), end + 2, key_lines


def problems_of(text: str) -> list[str]:
    return [str(p) for p in parse_questions(text, path="q.md", first_line=1)[1]]


def test_readme_examples_parse_cleanly() -> None:
    readme = (ROOT / "courses" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Questions"):]
    body = "\n".join(re.findall(r"```markdown\n(.*?)```", section, re.S))
    specs, problems = parse_questions(body, path="README.md", first_line=1)
    assert problems == []
    assert [s.type for s in specs] == ["single", "multiple", "true-false", "short", "numeric",
                                       "ordering", "matching", "cloze", "reflection"]


def test_every_type_file() -> None:
    meta, body, first, key_lines = split_front_matter(
        (DATA / "every-type.quiz.md").read_text(encoding="utf-8"))
    settings, problems = parse_quiz_settings(meta, path="x", line_of=key_lines.__getitem__)
    assert problems == []
    assert settings == QuizSettings("Check your understanding", pass_mark=60, attempts=3,
                                    shuffle_questions=True, show_answers="after_pass")
    specs, problems = parse_questions(body, path="every-type.quiz.md", first_line=first)
    assert problems == []
    assert [s.key for s in specs] == [f"q{i}" for i in range(1, 10)]
    assert specs[0].line == 8
    single, multiple, tf, short, numeric, ordering, matching, cloze, reflection = specs
    assert single.context_html == "<p>Cooperatives receive the Premium on top of the price.</p>"
    assert single.config["options"][0]["feedback_html"] == (
        "<p>No: the shop never touches the <em>Premium</em>.</p>")
    assert "schools, clinics" in single.explanation_html  # continuation line
    assert multiple.type == "multiple" and len(multiple.config["options"]) == 2
    assert tf.config == {"answer": False}
    assert numeric.config == {"answer": 1.8, "tolerance": 0.01}
    assert cloze.config["exact"] is True
    assert cloze.config["blanks"] == [["Minimum Price"], ["Premium", "Fairtrade Premium"]]
    assert "Write two or three sentences." in reflection.context_html
    assert "not a question: inside a fence" in reflection.context_html
    assert ordering.config["items"][0].startswith("Edna")
    assert matching.config["pairs"][1] == {"left": "FAIRTRADE Mark", "right": "Products"}
    json.dumps([s.config for s in specs])  # storable as JSON


@pytest.mark.parametrize(("text", "expected"), [
    ("", ["q.md:1: no questions: start each question with a '## ' heading"]),
    ("## Q\n- [ ] a\n- [ ] b\n", ["q.md:1: no correct option: mark it with '- [x]'"]),
    ("## Q\nType: single\n- [x] a\n- [x] b\n- [ ] c\n",
     ["q.md:1: a single-choice question has exactly one '[x]' but this one has 2 (lines 3, 4); "
      "use 'Type: multiple' or untick the others"]),
    ("## Q\n- [x] Fair price\n- [ ] fair  PRICE\n",
     ["q.md:3: duplicate option 'fair  PRICE' (also on line 2)"]),
    ("## Q\nType: numeric\nAnswer: about 2\n",
     ["q.md:3: the numeric answer 'about 2' does not parse; write it like '1.80' or "
      "'1.80 ± 0.01'"]),
    ("## Q\nType: numeric\nAnswer: 1,200\n",
     ["q.md:3: the numeric answer '1,200' could mean 1200 or 1.2; write one of those "
      "(no thousands separator, a point for decimals)"]),
    ("## Q\nType: numeric\nAnswer: 20.000 ± 5\n",
     ["q.md:3: the numeric answer '20.000' could mean 20000 or 20; write one of those "
      "(no thousands separator, a point for decimals)"]),
    ("## Q\nType: ordering\n1. only\n",
     ["q.md:1: an ordering question needs at least two numbered items ('1. …'), found 1"]),
    ("## Q\nType: matching\n- a -> b\n",
     ["q.md:1: a matching question needs at least two '- left -> right' pairs, found 1"]),
    ("## Q\nType: matching\n- a -> 1\n- b -> 2\n- A -> 3\n",
     ["q.md:5: duplicate left item 'A' (also on line 3)"]),
    ("## Q\nType: cloze\nNo blanks here.\n",
     ["q.md:1: a cloze question needs at least one blank in double square brackets, "
      "like 'the [[Premium]] is extra money'"]),
    ("## Q\nType: essay\n",
     ["q.md:2: unknown question type 'essay'; known types: cloze, matching, multiple, numeric, "
      "ordering, reflection, short, single, true-false"]),
    ("## Q\nType: true-false\nAnswer: yes\n",
     ["q.md:3: 'Answer:' must be true or false, not 'yes'"]),
    ("## Q\n- [x] a\n- [ ] b\nMatch: exact\n",
     ["q.md:4: 'Match:' does not apply to a single question (it is used by: cloze, short)"]),
    ("## Q\nType: short\nAnswr: x\nAnswer: y\n",
     ["q.md:3: unknown keyword 'Answr:'; did you mean 'Answer:'?"]),
    ("## Q\nJust text.\n",
     ["q.md:1: cannot tell the question type: add options as a checklist ('- [x] right', "
      "'- [ ] wrong') or a 'Type:' line (known types: cloze, matching, multiple, numeric, "
      "ordering, reflection, short, single, true-false)"]),
    ("## Q\nType: short\n", ["q.md:1: a short-text question needs at least one 'Answer:' line"]),
    ("## Q\nType: cloze\nThe [[ | ]] is extra.\n",
     ["q.md:3: empty blank '[[]]': write the answer inside, like [[Premium]]"]),
    ("## Q\nType: cloze\nThe `[[Premium]]` is extra.\n",
     ["q.md:1: a blank sits inside code, a link or HTML; move it into plain text"]),
    ("## Q\nType: short\nType: numeric\nAnswer: x\n", ["q.md:3: only one 'Type:' line is allowed"]),
    ("## Q\nType: short\nAnswer: x\nMatch: fuzzy\n",
     ["q.md:4: 'Match:' can only be 'exact' (case and accents are ignored without it), "
      "not 'fuzzy'"]),
    ("## Q\n- [x] a\n- [ ] b\nExplanation: one\n\nExplanation: two\n",
     ["q.md:6: only one 'Explanation:' is allowed"]),
])
def test_problems_have_exact_lines(text: str, expected: list[str]) -> None:
    assert problems_of(text) == expected


def test_first_line_offsets_problem_lines() -> None:
    _, problems = parse_questions("## Q\nType: numeric\nAnswer: x\n", path="f", first_line=20)
    assert [p.line for p in problems] == [22]


def test_keys_stay_positional_when_a_question_fails() -> None:
    text = "## A\n- [x] a\n- [ ] b\n\n## B\nType: nope\n\n## C\nType: true-false\nAnswer: true\n"
    specs, problems = parse_questions(text, path="q.md", first_line=1)
    assert [s.key for s in specs] == ["q1", "q3"]
    assert len(problems) == 1


def test_text_before_first_question_is_a_warning() -> None:
    _, problems = parse_questions("Intro\n## Q\n- [x] a\n- [ ] b\n", path="q.md", first_line=1)
    assert [(p.line, p.is_error) for p in problems] == [(1, False)]


def test_context_lines_that_look_like_labels_stay_text() -> None:
    specs, problems = parse_questions("## Q\nWatch: the video first.\n- [x] a\n- [ ] b\n",
                                      path="q.md", first_line=1)
    assert problems == []
    assert "Watch: the video first." in specs[0].context_html


def test_markdown_is_sanitised() -> None:
    specs, _ = parse_questions("## Is <script>alert(1)</script> **bold**?\n- [x] <b onclick=x>a</b>"
                               "\n- [ ] b\n", path="q.md", first_line=1)
    assert "<script>" not in specs[0].prompt_html
    assert "<strong>bold</strong>" in specs[0].prompt_html
    assert "onclick" not in specs[0].config["options"][0]["html"]


# --- settings ---------------------------------------------------------------------------------


def lines(key: str) -> int:
    return {"title": 2, "pass_mark": 3, "attempts": 4, "show_answers": 5}.get(key, 9)


def test_settings_defaults_and_round_trip() -> None:
    settings, problems = parse_quiz_settings({"title": "Check"}, path="q", line_of=lines)
    assert problems == []
    assert settings == QuizSettings(title="Check")
    assert QuizSettings.from_dict(json.loads(json.dumps(settings.to_dict()))) == settings
    assert QuizSettings.from_dict({"title": "T", "future_key": 1}) == QuizSettings("T")


def test_settings_title_from_lesson() -> None:
    settings, problems = parse_quiz_settings({"pass_mark": 50}, path="q", line_of=lines,
                                             default_title="Follow a cocoa bean")
    assert problems == [] and settings.title == "Follow a cocoa bean" and settings.pass_mark == 50
    _, problems = parse_quiz_settings({}, path="q", line_of=lines)
    assert [str(p) for p in problems] == ["q:2: title: required"]


def test_settings_problems() -> None:
    meta = {"title": "T", "pass_mark": 120, "attempts": -1, "show_answers": "always",
            "shuffle_options": "yes", "pass_mrk": 5, "id": "kept-by-caller", "required": 1}
    settings, problems = parse_quiz_settings(meta, path="q", line_of=lines)
    assert [str(p) for p in problems] == [
        "q:9: pass_mrk: unknown quiz setting (known: title, pass_mark, attempts, "
        "shuffle_questions, shuffle_options, show_answers, required, draw)",
        "q:3: pass_mark: must be between 0 and 100, not 120",
        "q:4: attempts: must be 0 (unlimited) or more, not -1",
        "q:9: shuffle_options: must be true or false, not 'yes'",
        "q:9: required: must be true or false, not 1",
        "q:5: show_answers: must be one of after_each_attempt | after_pass | never, not 'always'",
    ]
    assert settings == QuizSettings("T")  # bad values fall back to defaults
    _, problems = parse_quiz_settings({"title": "T", "pass_mark": True}, path="q", line_of=lines)
    assert "must be a whole number" in problems[0].message


FRAGMENTS = ["## Q", "## ", "Type: single", "Type: cloze", "Type: matching", "Type: ordering",
             "Type: numeric", "Answer: 1,5 ± x", "Answer: true", "- [x] a", "- [ ] a", "  > fb",
             "1. one", "- a -> b", "- -> b", "[[x|]]", "[[]]", "Explanation: e", "Match: exact",
             "```", "", "text", "Answr: y", "Scale: 3"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=15), max_size=25))
def test_parser_never_crashes(lines: list[str]) -> None:
    text = "\n".join(lines)
    specs, problems = parse_questions(text, path="f", first_line=5)
    last = 5 + max(len(text.splitlines()) - 1, 0)
    assert all(5 <= p.line <= last for p in problems)
    for spec in specs:
        json.dumps(spec.config)
