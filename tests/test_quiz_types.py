"""Question types: registry, views, form fields, answer parsing and grading (no app needed)."""

from __future__ import annotations

import contextlib
import json
import random
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form

import lms.questions.types as types_module
from lms.questions.builtin import BUILTIN_TYPES
from lms.questions.parse import QuestionSpec
from lms.questions.types import (
    AnswerMistake,
    DuplicateQuestionType,
    load_question_types,
)

PLUGINS = Path(__file__).parent / "data" / "plugins"
TYPES = load_question_types()


def spec(type_name: str, config: dict[str, Any], key: str = "q1") -> QuestionSpec:
    return QuestionSpec(key, type_name, "Prompt <em>here</em>", "", config, 1)


# --- registry ---------------------------------------------------------------------------------


def test_builtins_are_registered() -> None:
    assert set(TYPES) == {"single", "multiple", "true-false", "short", "numeric", "ordering",
                          "matching", "cloze", "reflection"}
    assert TYPES["reflection"].graded is False
    assert all(str(t.label) for t in TYPES.values())


def test_duplicate_name_stops_startup() -> None:
    class Impostor(type(TYPES["multiple"])):  # type: ignore[misc]  (complete, renamed)
        name = "single"

    with pytest.raises(DuplicateQuestionType) as info:
        load_question_types(extra=[Impostor])
    assert str(info.value).startswith(
        "question type 'single' is registered twice: by "
        "lms.questions.builtin.choice.SingleChoice and by ")
    assert str(info.value).endswith("test_duplicate_name_stops_startup.<locals>.Impostor")


def test_extra_must_be_a_question_type() -> None:
    with pytest.raises(TypeError, match="not a QuestionType"):
        load_question_types(extra=[dict])  # type: ignore[list-item]


def test_plugin_via_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGINS))
    from lms_test_plugin import Likert

    registry = load_question_types(extra=[Likert])
    assert isinstance(registry["likert"], Likert)
    assert len(registry) == len(BUILTIN_TYPES) + 1


def test_plugin_via_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGINS))
    ep = EntryPoint(name="likert", value="lms_test_plugin:Likert", group="lms.question_types")

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return [ep] if group == "lms.question_types" else []

    monkeypatch.setattr(types_module, "entry_points", fake_entry_points)
    registry = load_question_types()
    assert registry["likert"].name == "likert"
    # The same class again through extra= is a duplicate.
    from lms_test_plugin import Likert

    with pytest.raises(DuplicateQuestionType, match="'likert' is registered twice"):
        load_question_types(extra=[Likert])


def test_an_incomplete_plugin_stops_start_up_naming_what_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import make_test_app

    monkeypatch.syspath_prepend(str(PLUGINS))
    ep = EntryPoint(name="half", value="lms_test_plugin.incomplete:HalfDone",
                    group="lms.question_types")
    monkeypatch.setattr(types_module, "entry_points",
                        lambda *, group: [ep] if group == "lms.question_types" else [])
    with pytest.raises(TypeError, match=r"HalfDone.*does not implement grade, parse_answer"):
        make_test_app("sqlite://", tmp_path)


def test_plugin_type_parses_from_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    from lms.questions.parse import parse_questions

    monkeypatch.syspath_prepend(str(PLUGINS))
    from lms_test_plugin import Likert

    registry = load_question_types(extra=[Likert])
    specs, problems = parse_questions("## Fair trade matters to me.\nType: likert\nScale: 7\n",
                                      path="p.quiz.md", first_line=1, types=registry)
    assert problems == []
    assert specs[0].config == {"scale": 7}
    _, problems = parse_questions("## Q\nType: single\nScale: 7\n- [x] a\n- [ ] b\n",
                                  path="p.quiz.md", first_line=1, types=registry)
    assert [str(p) for p in problems] == [
        "p.quiz.md:3: 'Scale:' does not apply to a single question (it is used by: likert)"]


# --- per-type behaviour -----------------------------------------------------------------------

SINGLE = {"options": [{"html": "A", "correct": False, "feedback_html": "<p>no</p>"},
                      {"html": "B", "correct": True, "feedback_html": ""},
                      {"html": "C", "correct": False, "feedback_html": ""}]}
MULTI = {"options": [{"html": "A", "correct": True, "feedback_html": ""},
                     {"html": "B", "correct": True, "feedback_html": ""},
                     {"html": "C", "correct": False, "feedback_html": "<p>not C</p>"},
                     {"html": "D", "correct": False, "feedback_html": ""}]}


def test_public_view_hides_answer_keys_and_shuffles() -> None:
    view = TYPES["single"].public_view(SINGLE, random.Random(3))
    assert "correct" not in json.dumps(view) and "feedback" not in json.dumps(view)
    assert sorted(o["value"] for o in view["options"]) == ["o1", "o2", "o3"]
    assert TYPES["single"].public_view(SINGLE, None)["options"][0] == {"value": "o1", "html": "A"}
    assert view == TYPES["single"].public_view(SINGLE, random.Random(3))  # same seed, same order


def test_single_answer_and_feedback() -> None:
    single = TYPES["single"]
    view = single.public_view(SINGLE, None)
    assert single.parse_answer(["o2"], view) == 1
    assert single.parse_answer([], view) is None
    with pytest.raises(ValueError, match="not one of the offered choices"):
        single.parse_answer(["o9"], view)
    with pytest.raises(ValueError):
        single.parse_answer(["o1", "o2"], view)
    assert single.grade(SINGLE, 1).points == 1.0
    assert single.grade(SINGLE, 0).feedback_html == ("<p>no</p>",)
    assert single.grade(SINGLE, True).points == 0.0  # a bool is not an index


@pytest.mark.parametrize(("ticked", "points"), [
    ([0, 1], 1.0), ([0], 0.5), ([0, 2], 0.0), ([0, 1, 2], 0.5), ([0, 1, 2, 3], 0.0), ([2], 0.0),
])
def test_multiple_partial_credit(ticked: list[int], points: float) -> None:
    assert TYPES["multiple"].grade(MULTI, ticked).points == pytest.approx(points)


def test_multiple_parse_answer() -> None:
    multiple = TYPES["multiple"]
    view = multiple.public_view(MULTI, random.Random(1))
    assert multiple.parse_answer(["o3", "o1", "o1"], view) == [0, 2]
    with pytest.raises(ValueError):
        multiple.parse_answer(["correct"], view)
    assert multiple.grade(MULTI, [2]).feedback_html == ("<p>not C</p>",)


def test_true_false() -> None:
    tf = TYPES["true-false"]
    view = tf.public_view({"answer": False}, random.Random(0))
    assert tf.parse_answer(["false"], view) is False
    with pytest.raises(ValueError):
        tf.parse_answer(["maybe"], view)
    assert tf.grade({"answer": False}, False).correct is True
    assert tf.grade({"answer": False}, 0).points == 0.0


@pytest.mark.parametrize(("answer", "exact", "ok"), [
    ("altromercato", False, True), ("  Altro   Mercato ", False, True),
    ("ALTROMERCATÒ", False, True),
    ("altromercato", True, False), ("Altromercato", True, True), ("Altro", False, False),
])
def test_short_matching(answer: str, exact: bool, ok: bool) -> None:
    config = {"answers": ["Altromercato", "Altro Mercato"], "exact": exact}
    assert TYPES["short"].grade(config, answer).correct is ok


@pytest.mark.parametrize(("typed", "value"), [
    ("1.80", 1.8), ("1,80", 1.8), (" 1,8 ", 1.8), ("-2", -2.0), ("\u22122,5", -2.5), (".5", 0.5),
])
def test_numeric_accepts_comma_and_point(typed: str, value: float) -> None:
    assert TYPES["numeric"].parse_answer([typed], {}) == pytest.approx(value)


@pytest.mark.parametrize("typed", ["1,800.5.5", "abc", "1e3", "nan", "1.8 kg", "--1", "1,,8"])
def test_numeric_rejects_garbage(typed: str) -> None:
    with pytest.raises(AnswerMistake, match="Write a number"):
        TYPES["numeric"].parse_answer([typed], {})


@pytest.mark.parametrize(("typed", "language", "value"), [
    ("20,000", "en", 20000), ("20.000", "it", 20000), ("1.102,50", "en", 1102.5),
    ("1,102.50", "it", 1102.5), ("1,951", "en", 1951), ("1.951", "it", 1951),
    ("2.000 €", "it", 2000), ("٣٫٥", "ar", 3.5), ("20,000", "ar", 20000), ("1 800", "it", 1800),
])
def test_numeric_reads_the_quiz_language(typed: str, language: str, value: float) -> None:
    assert TYPES["numeric"].parse_answer_in([typed], {}, language) == pytest.approx(value)


@pytest.mark.parametrize(("typed", "language"), [("20.000", "en"), ("20,000", "it")])
def test_numeric_asks_back_when_the_language_cannot_tell(typed: str, language: str) -> None:
    with pytest.raises(AnswerMistake, match="can be read in two ways. Write 20000 or 20,"):
        TYPES["numeric"].parse_answer_in([typed], {}, language)


def test_numeric_tolerance_edges() -> None:
    config = {"answer": 1.8, "tolerance": 0.01}
    numeric = TYPES["numeric"]
    assert numeric.grade(config, 1.79).correct and numeric.grade(config, 1.81).correct
    assert not numeric.grade(config, 1.8101).correct
    assert numeric.grade(config, float("nan")).points == 0.0


def test_ordering_view_is_never_the_answer_and_partial_credit() -> None:
    ordering = TYPES["ordering"]
    config = {"items": ["a", "b"]}
    for seed in range(10):
        view = ordering.public_view(config, random.Random(seed))
        assert [i["value"] for i in view["items"]] == ["o2", "o1"]
    config = {"items": ["a", "b", "c", "d"]}
    view = ordering.public_view(config, None)
    assert ordering.parse_answer(["o1", "o2", "o4", "o3"], view) == [0, 1, 3, 2]
    assert ordering.grade(config, [0, 1, 3, 2]).points == 0.5
    assert ordering.parse_answer(["o1", ""], view) == [0, None, None, None]
    with pytest.raises(ValueError, match="only one position"):
        ordering.parse_answer(["o1", "o1"], view)
    with pytest.raises(ValueError):
        ordering.parse_answer(["o1", "o2", "o3", "o4", "o1"], view)


def test_matching_shared_right_items() -> None:
    matching = TYPES["matching"]
    config = {"pairs": [{"left": "Coffee", "right": "Product"},
                        {"left": "Cocoa", "right": "Product"},
                        {"left": "WFTO member", "right": "Organisation"}]}
    view = matching.public_view(config, random.Random(2))
    assert len(view["right"]) == 2
    assert matching.correct_answer(config) == [0, 0, 1]
    # Post the right item "Product" for every left item, in the view's (shuffled) order.
    product = next(r["value"] for r in view["right"] if r["html"] == "Product")
    answer = matching.parse_answer([product] * 3, view)
    assert matching.grade(config, answer).points == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        matching.parse_answer(["r9"], view)


def test_cloze_each_blank_its_share() -> None:
    cloze = TYPES["cloze"]
    config = {"segments_html": ["The ", " is a floor and the ", " is extra."],
              "blanks": [["Minimum Price"], ["Premium", "Fairtrade Premium"]], "exact": False}
    view = cloze.public_view(config, None)
    assert "blanks" in view and view["blanks"] == 2  # a count, not the answers
    assert cloze.parse_answer(["minimum price", "fairtrade premium"], view) == [
        "minimum price", "fairtrade premium"]
    assert cloze.grade(config, ["minimum price", "wrong"]).points == 0.5
    assert cloze.parse_answer(["", " "], view) is None


def test_reflection_is_never_graded() -> None:
    reflection = TYPES["reflection"]
    assert reflection.grade({}, "I think the farmer earns least.").correct is None
    assert reflection.parse_answer(["  "], {}) is None


@pytest.mark.parametrize("name", sorted(TYPES))
def test_build_field_renders_labelled_native_inputs(name: str) -> None:
    qtype = TYPES[name]
    config = {"single": SINGLE, "multiple": MULTI, "true-false": {"answer": True},
              "short": {"answers": ["x"], "exact": False}, "numeric": {"answer": 1, "tolerance": 0},
              "ordering": {"items": ["a", "b"]},
              "matching": {"pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]},
              "cloze": {"segments_html": ["x ", " y"], "blanks": [["a"]], "exact": False},
              "reflection": {}}[name]
    view = qtype.public_view(config, random.Random(0))
    form_class = type("QuizForm", (Form,), {"q1": qtype.build_field(spec(name, config), view)})
    form = form_class(MultiDict())
    html = str(form.q1())
    assert "<input" in html or "<select" in html or "<textarea" in html
    assert "Prompt <em>here</em>" in str(form.q1.label)
    assert "correct" not in html


# --- properties: grade never raises, a perfect answer earns 1 ------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=15,
)
words = st.text(alphabet="abcdéfgH XYZ-", min_size=1, max_size=12).filter(lambda s: s.strip())


@st.composite
def choice_configs(draw: st.DrawFn, multiple: bool) -> dict[str, Any]:
    n = draw(st.integers(2, 6))
    if multiple:
        correct = draw(st.sets(st.integers(0, n - 1), min_size=1))
    else:
        correct = {draw(st.integers(0, n - 1))}
    return {"options": [{"html": f"opt {i}", "correct": i in correct, "feedback_html": ""}
                        for i in range(n)]}


CONFIGS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "single": choice_configs(False),
    "multiple": choice_configs(True),
    "true-false": st.builds(lambda a: {"answer": a}, st.booleans()),
    "short": st.fixed_dictionaries({"answers": st.lists(words, min_size=1, max_size=4),
                                    "exact": st.booleans()}),
    "numeric": st.fixed_dictionaries({
        "answer": st.floats(-1e9, 1e9), "tolerance": st.floats(0, 100)}),
    "ordering": st.builds(lambda items: {"items": items},
                          st.lists(words, min_size=2, max_size=6, unique=True)),
    "matching": st.builds(
        lambda lefts, rights: {"pairs": [{"left": left, "right": rights[i % len(rights)]}
                                         for i, left in enumerate(lefts)]},
        st.lists(words, min_size=2, max_size=5, unique=True),
        st.lists(words, min_size=1, max_size=5)),
    "cloze": st.lists(st.lists(words, min_size=1, max_size=3), min_size=1, max_size=4).map(
        lambda blanks: {"segments_html": ["s"] * (len(blanks) + 1), "blanks": blanks,
                        "exact": False}),
    "reflection": st.just({}),
}


def test_every_builtin_has_a_config_strategy() -> None:
    assert set(CONFIGS) == set(TYPES)


@pytest.mark.parametrize("name", sorted(CONFIGS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_grade_is_total_and_bounded(name: str, data: st.DataObject) -> None:
    qtype = TYPES[name]
    config = data.draw(CONFIGS[name])
    assert qtype.validate_config(config) == []
    answer = data.draw(json_values)
    score = qtype.grade(config, answer)
    assert 0.0 <= score.points <= 1.0
    perfect = qtype.grade(config, qtype.correct_answer(config))
    assert perfect.points == 1.0
    if qtype.graded:
        assert perfect.correct is True
    json.dumps(qtype.public_view(config, random.Random(0)))


@pytest.mark.parametrize("name", sorted(CONFIGS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_parse_answer_only_raises_value_error(name: str, data: st.DataObject) -> None:
    qtype = TYPES[name]
    view = qtype.public_view(data.draw(CONFIGS[name]), random.Random(0))
    values = data.draw(st.lists(st.text(max_size=8) | st.sampled_from(["o1", "o2", "r1", "true"]),
                                max_size=7))
    with contextlib.suppress(ValueError):  # anything else is a bug
        qtype.parse_answer(values, view)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_validate_config_rejects_garbage(name: str) -> None:
    if name == "reflection":
        assert TYPES[name].validate_config({}) == []
    else:
        assert TYPES[name].validate_config({"nonsense": 1}) != []
