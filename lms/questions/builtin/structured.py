"""Question types with several slots: ordering, matching and fill-in-the-blanks (cloze).

Each slot earns its own share of the point, so a nearly right answer is not worth nothing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.fields.core import UnboundField

from lms.problems import N_, Problem
from lms.questions.builtin.common import (
    BULLET_RE,
    NUMBERED_RE,
    MultiValueField,
    normalise_text,
    render_inline,
    token,
    token_index,
)
from lms.questions.builtin.text import parse_match
from lms.questions.types import (
    AnswerMistake,
    BodyLine,
    QuestionBlock,
    QuestionLike,
    QuestionType,
    Score,
)

_BLANK_RE = re.compile(r"\[\[(.*?)\]\]")
# Letters only, so markdown leaves it alone and nh3 keeps it; split on it after rendering.
_PLACEHOLDER = "LMSBLANKPLACEHOLDER{}X"
_PLACEHOLDER_RE = re.compile(r"LMSBLANKPLACEHOLDER\d+X")
# A blank inside code or a link would put an <input> where it cannot work.
_TRAPPED_RE = re.compile(r"<(code|a|pre)\b[^>]*>(?:(?!</\1>).)*LMSBLANKPLACEHOLDER", re.S)


def _share(hits: int, total: int) -> Score:
    points = hits / total if total else 0.0
    return Score(points, total > 0 and hits == total)


def _slots(formdata_values: Sequence[str], count: int) -> list[str] | None:
    """Posted slot values, padded to ``count``; None when every slot is blank."""
    if len(formdata_values) > count:
        raise ValueError(f"expected at most {count} values, got {len(formdata_values)}")
    values = [v.strip() for v in formdata_values] + [""] * (count - len(formdata_values))
    return values if any(values) else None


def _index_list(answer: Any) -> list[Any]:
    return list(answer) if isinstance(answer, list | tuple) else []


def _is_index(value: Any, size: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size


class Ordering(QuestionType):
    """Numbered items in the right order; the answer lists item indices in the learner's order.

    Scoring: each position holding the right item earns an equal share.
    """

    name = "ordering"
    label = _l("Ordering")

    def context_lines(self, block: QuestionBlock) -> list[BodyLine]:
        return [b for b in block.lines if not NUMBERED_RE.match(b.text)]

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        items = [(b.line, m.group(1)) for b in block.lines if (m := NUMBERED_RE.match(b.text))]
        problems: list[Problem] = []
        if len(items) < 2:
            problems.append(block.problem(block.line, N_(
                "an ordering question needs at least two numbered items ('1. …'), "
                "found %(count)s"), count=len(items)))
        seen: dict[str, int] = {}
        for line, text in items:
            if normalise_text(text) in seen:
                problems.append(block.problem(line, N_(
                    "duplicate item %(item)s (also on line %(line)s)"),
                    item=repr(text), line=seen[normalise_text(text)]))
            seen.setdefault(normalise_text(text), line)
        return {"items": [render_inline(text) for _, text in items]}, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        items = config.get("items")
        if not (isinstance(items, list) and len(items) >= 2
                and all(isinstance(i, str) for i in items)):
            return ["'items' must be a list of at least two HTML strings"]
        return []

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        items = [{"value": token(i), "html": html} for i, html in enumerate(config["items"])]
        # Always shuffled (the authored order is the answer); without an rng, deterministically.
        (rng or random.Random(len(items))).shuffle(items)
        if len(items) > 1 and [i["value"] for i in items] == [token(i) for i in range(len(items))]:
            items = items[1:] + items[:1]
        return {"items": items}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return MultiValueField(Markup(question.prompt_html), view=view, kind="ordering")

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> Any:
        allowed = [item["value"] for item in view["items"]]
        values = _slots(formdata_values, len(allowed))
        if values is None:
            return None
        order = [token_index(v, allowed) if v else None for v in values]
        placed = [i for i in order if i is not None]
        if len(placed) != len(set(placed)):
            raise AnswerMistake(_l("Each item can take only one position."))
        return order

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        total = len(config.get("items", []))
        order = _index_list(answer)
        return _share(sum(1 for pos, item in enumerate(order[:total]) if item == pos
                          and _is_index(item, total)), total)

    def correct_answer(self, config: dict[str, Any]) -> list[int]:
        return list(range(len(config.get("items", []))))

    def answer_key(self, config: dict[str, Any]) -> int:
        return len(config.get("items", []))  # the order is the key: the same number of items


def _rights(config: dict[str, Any]) -> list[str]:
    """Distinct right-hand items in order of first appearance (two lefts may share one)."""
    rights: list[str] = []
    for pair in config.get("pairs", []):
        if isinstance(pair, dict) and pair.get("right") not in rights:
            rights.append(pair.get("right"))
    return rights


class Matching(QuestionType):
    """``- left -> right`` pairs; the answer gives, per pair, the index of the chosen right item.

    Scoring: each left item matched to its right item earns an equal share.
    """

    name = "matching"
    label = _l("Matching")

    def context_lines(self, block: QuestionBlock) -> list[BodyLine]:
        return [b for b in block.lines if not (BULLET_RE.match(b.text) and "->" in b.text)]

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        pairs: list[dict[str, str]] = []
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for body in block.lines:
            match = BULLET_RE.match(body.text)
            if not match or "->" not in body.text:
                continue
            left, _, right = (part.strip() for part in match.group(1).partition("->"))
            if not left or not right:
                problems.append(
                    block.problem(body.line, N_("write each pair as '- left -> right'")))
                continue
            if normalise_text(left) in seen:
                problems.append(block.problem(body.line, N_(
                    "duplicate left item %(item)s (also on line %(line)s)"),
                    item=repr(left), line=seen[normalise_text(left)]))
                continue
            seen[normalise_text(left)] = body.line
            pairs.append({"left": render_inline(left), "right": render_inline(right)})
        if len(pairs) < 2:
            problems.append(block.problem(block.line, N_(
                "a matching question needs at least two '- left -> right' pairs, "
                "found %(count)s"), count=len(pairs)))
        return {"pairs": pairs}, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        pairs = config.get("pairs")
        if not (isinstance(pairs, list) and len(pairs) >= 2 and all(
                isinstance(p, dict) and isinstance(p.get("left"), str)
                and isinstance(p.get("right"), str) for p in pairs)):
            return ["'pairs' must be a list of at least two {left, right} HTML strings"]
        lefts = [p["left"] for p in pairs]
        return ["left items must be distinct"] if len(set(lefts)) != len(lefts) else []

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        left = [{"value": token(i), "html": p["left"]} for i, p in enumerate(config["pairs"])]
        right = [{"value": f"r{j + 1}", "html": html} for j, html in enumerate(_rights(config))]
        if rng is not None:
            rng.shuffle(left)
            rng.shuffle(right)
        return {"left": left, "right": right}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return MultiValueField(Markup(question.prompt_html), view=view, kind="matching")

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> Any:
        values = _slots(formdata_values, len(view["left"]))
        if values is None:
            return None
        allowed = [r["value"] for r in view["right"]]
        answer: list[int | None] = [None] * len(view["left"])
        for left, value in zip(view["left"], values, strict=True):
            pair = int(left["value"][1:]) - 1
            if value:
                if value not in allowed:
                    raise ValueError(f"{value!r} is not one of the offered choices")
                answer[pair] = int(value[1:]) - 1
        return answer

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        pairs = config.get("pairs", [])
        rights = _rights(config)
        chosen = _index_list(answer)
        hits = sum(1 for pair, pick in zip(pairs, chosen, strict=False)
                   if _is_index(pick, len(rights)) and rights[pick] == pair.get("right"))
        return _share(hits, len(pairs))

    def correct_answer(self, config: dict[str, Any]) -> list[int]:
        rights = _rights(config)
        return [rights.index(p["right"]) for p in config.get("pairs", [])]

    def answer_key(self, config: dict[str, Any]) -> list[int]:
        return self.correct_answer(config)  # which lefts share a right, pair by pair


class Cloze(QuestionType):
    """Text with ``[[blanks]]``; ``[[a|b]]`` accepts either. Each blank earns its own share."""

    name = "cloze"
    label = _l("Fill in the blanks")
    keywords = frozenset({"match"})

    def context_lines(self, block: QuestionBlock) -> list[BodyLine]:
        return []  # the body is the cloze text itself

    def parse(self, block: QuestionBlock) -> tuple[dict[str, Any], list[Problem]]:
        exact, problems = parse_match(block)
        blanks: list[list[str]] = []
        pieces: list[str] = []
        for body in block.lines:
            def replace(match: re.Match[str], line: int = body.line) -> str:
                alternatives = [" ".join(a.split()) for a in match.group(1).split("|")]
                alternatives = [a for a in alternatives if a]
                if not alternatives:
                    problems.append(block.problem(line, N_("empty blank '[[]]': write the "
                                                           "answer inside, like [[Premium]]")))
                blanks.append(alternatives)
                return _PLACEHOLDER.format(len(blanks) - 1)
            pieces.append(_BLANK_RE.sub(replace, body.text))
        if not blanks:
            problems.append(block.problem(block.line, N_(
                "a cloze question needs at least one blank in double square brackets, "
                "like 'the [[Premium]] is extra money'")))
            return {}, problems
        html = render_inline("\n".join(pieces).strip())
        found = _PLACEHOLDER_RE.findall(html)
        expected = [_PLACEHOLDER.format(i) for i in range(len(blanks))]
        if found != expected or _TRAPPED_RE.search(html):
            problems.append(block.problem(block.line, N_(
                "a blank sits inside code, a link or HTML; move it into plain text")))
            return {}, problems
        return {"segments_html": _PLACEHOLDER_RE.split(html), "blanks": blanks,
                "exact": exact}, problems

    def validate_config(self, config: dict[str, Any]) -> list[str]:
        blanks, segments = config.get("blanks"), config.get("segments_html")
        if not (isinstance(blanks, list) and blanks and all(
                isinstance(b, list) and b and all(isinstance(a, str) for a in b) for b in blanks)):
            return ["'blanks' must be a non-empty list of non-empty lists of strings"]
        if not (isinstance(segments, list) and len(segments) == len(blanks) + 1):
            return ["'segments_html' must hold one more segment than there are blanks"]
        return [] if isinstance(config.get("exact"), bool) else ["'exact' must be true or false"]

    def public_view(self, config: dict[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {"segments_html": list(config["segments_html"]), "blanks": len(config["blanks"])}

    def build_field(self, question: QuestionLike, view: dict[str, Any]) -> UnboundField:
        return MultiValueField(Markup(question.prompt_html), view=view, kind="cloze")

    def parse_answer(self, formdata_values: Sequence[str], view: dict[str, Any]) -> Any:
        values = _slots(formdata_values, view["blanks"])
        if values is not None and any(len(v) > 200 for v in values):
            raise ValueError("a blank takes at most 200 characters")
        return values

    def grade(self, config: dict[str, Any], answer: Any) -> Score:
        blanks = config.get("blanks", [])
        exact = config.get("exact") is True
        typed = _index_list(answer)
        hits = 0
        for alternatives, value in zip(blanks, typed, strict=False):
            if isinstance(value, str) and normalise_text(value, exact=exact) in {
                    normalise_text(a, exact=exact) for a in alternatives}:
                hits += 1
        return _share(hits, len(blanks))

    def correct_answer(self, config: dict[str, Any]) -> list[str]:
        return [alternatives[0] for alternatives in config.get("blanks", [])]

    def answer_key(self, config: dict[str, Any]) -> int:
        return len(config.get("blanks", []))  # the words differ by language, not the blanks
