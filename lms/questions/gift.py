"""Convert a Moodle GIFT question bank into a ``.quiz.md`` file in the README's quiz syntax.

Authors arrive with GIFT banks; converting them to our markdown (rather than importing GIFT at
run time) keeps one quiz syntax to learn, check and translate. The reading follows Moodle's own
importer (``question/format/gift/format.php``): the same escapes, the same order of deciding
the question type, the same weights. What our syntax cannot express is reported with the GIFT
line number and what was lost; a question that cannot be converted at all is reported and left
out. Every question written is parsed back with the checker's parser first, so the file always
passes ``lms courses check``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import yaml

from lms.questions.builtin.common import normalise_text
from lms.questions.gift_text import (
    BLANK,
    numeric_answer,
    paragraphs,
    read_items,
    restore,
    split_format,
    text_line,
)
from lms.questions.parse import parse_questions
from lms.questions.types import QuestionType, load_question_types

__all__ = ["GiftImport", "GiftNote", "gift_to_markdown"]

logger = logging.getLogger(__name__)

_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_WRITTEN_BLANK = "\\_\\_\\_\\_\\_"


@dataclass(frozen=True)
class GiftNote:
    """Something the import changed or could not do, at the line its question starts."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class GiftImport:
    """The ``.quiz.md`` text and what happened to each GIFT question."""

    markdown: str
    notes: list[GiftNote] = field(default_factory=list)
    converted: int = 0
    not_converted: int = 0
    converted_lines: set[int] = field(default_factory=set)

    @property
    def changed(self) -> int:
        """Questions converted with a loss (one or more notes)."""
        return len({n.line for n in self.notes if n.line in self.converted_lines})


class _Skip(Exception):
    """The question cannot be converted; the message says why."""


@dataclass
class _Answer:
    text: str
    weight: float | None  # percent; None when not written
    feedback: str
    fmt: str
    feedback_fmt: str


def _answer(chunk: str, fmt: str) -> _Answer:
    """One answer: ``%weight%``, the text (with its own format marker) and ``#feedback``."""
    weight = None
    if match := _WEIGHT_RE.match(chunk):
        weight, chunk = float(match.group(1)), chunk[match.end():]
    text, _, feedback = chunk.partition("#")
    text, own = split_format(restore(text), fmt)
    feedback, feedback_fmt = split_format(restore(feedback), fmt)
    return _Answer(text, weight, feedback, own, feedback_fmt)


def _split(body: str, markers: str) -> list[tuple[str, str]]:
    """``(marker, rest)`` per answer of ``body`` (Moodle's explode on ``=``/``~``); text
    before the first marker is an answer with no marker, as in Moodle."""
    parts = [p.strip() for p in re.split(f"(?=[{markers}])", body)]
    return [(p[0], p[1:].strip()) if p[0] in markers else ("", p) for p in parts if p]


class _Converter:
    """One GIFT question into the lines of one ``## question``; notes what it loses."""

    def __init__(self, line: int, fmt: str, notes: list[GiftNote]) -> None:
        self.line, self.fmt, self.notes = line, fmt, notes
        self.explain: list[str] = []

    def lost(self, message: str) -> None:
        self.notes.append(GiftNote(self.line, message))

    def body(self, answer: str) -> list[str]:
        """Moodle's order: essay, numeric, choice (``~``), matching, true-false, short."""
        if not answer:
            self.lost("an essay became a reflection, which is never graded")
            return ["Type: reflection"]
        if answer.startswith("#"):
            return self.numeric(answer[1:])
        if "~" in answer:
            return self.choice(answer)
        if "=" in answer and "->" in answer:
            return self.matching(answer)
        head = answer.partition("#")[0].strip()
        if head in _TRUE_FALSE:
            return self.true_false(answer, _TRUE_FALSE[head])
        if head.upper() in _TRUE_FALSE:
            self.lost(f"{{{head}}} is a short answer in GIFT (write {{{head.upper()}}} for "
                      "true-false); converted as Moodle reads it")
        return self.short(answer)

    def true_false(self, answer: str, value: bool) -> list[str]:
        _, wrong, right = (*answer.split("#", 2), "", "")[:3]
        for kind, feedback in (("wrong", wrong), ("right", right)):
            if feedback := split_format(restore(feedback), self.fmt)[0]:
                self.lost(f"feedback for a {kind} answer dropped: {feedback!r}")
        return ["Type: true-false", f"Answer: {str(value).lower()}"]

    def choice(self, answer: str) -> list[str]:
        # Moodle: one answer to pick when any answer is marked "=", several otherwise.
        single = "=" in answer
        answers = []
        for marker, chunk in _split(answer, "=~"):
            answers.append(entry := _answer(chunk, self.fmt))
            if marker == "=" and entry.weight is None:
                entry.weight = 100.0
        weights = [a.weight or 0.0 for a in answers]
        if single:
            right = [a for a, w in zip(answers, weights, strict=True) if w >= 100]
            for entry, weight in zip(answers, weights, strict=True):
                if weight and weight < 100:
                    self.lost(f"the {weight:g}% for {entry.text!r} dropped: only fully right "
                              "answers score in a single choice")
            if len(right) > 1:
                self.lost(f"{len(right)} answers are fully right in a one-answer question: "
                          "it became a multiple choice (learners tick every right answer)")
        else:
            right = [a for a, w in zip(answers, weights, strict=True) if w > 0]
            share = 100 / len(right) if right else 0
            # Moodle adds up the weights of the ticked answers; we give and take equal shares.
            if any(abs(abs(w) - share) > 0.01 for w in weights):
                listed = ", ".join(f"{w:g}%" for w in weights)
                self.lost(f"scoring changed from the weights {listed}: here each right tick "
                          f"earns 1/{len(right)} and each wrong tick costs 1/{len(right)}")
        if not right:
            raise _Skip("no answer has a positive weight, so no option would be right")
        # A single choice is what one [x] means; say "multiple" when it is one with one [x].
        lines = ["Type: multiple"] if len(right) > 1 or not single else []
        for entry in answers:
            tick = "x" if any(entry is r for r in right) else " "
            lines.append(f"- [{tick}] {text_line(entry.text, entry.fmt)}")
            if entry.feedback:
                lines.append(f"  > {text_line(entry.feedback, entry.feedback_fmt)}")
        return lines

    def matching(self, answer: str) -> list[str]:
        lines = ["Type: matching"]
        for _, chunk in _split(answer, "="):
            left, arrow, right = chunk.partition("->")
            if not arrow:
                raise _Skip(f"the matching answer {restore(chunk)!r} has no '->'")
            left_text, fmt = split_format(restore(left), self.fmt)
            if not left_text:
                self.lost(f"the extra answer {restore(right).strip()!r} (a distractor) dropped")
                continue
            lines.append(f"- {text_line(left_text, fmt)} -> "
                         f"{text_line(restore(right).strip(), 'plain')}")
        return lines

    def short(self, answer: str) -> list[str]:
        kept: list[str] = []
        for _, chunk in _split(answer, "="):
            entry = _answer(chunk, self.fmt)
            if entry.feedback:
                self.lost(f"feedback on the answer {entry.text!r} dropped: {entry.feedback!r}")
            if entry.weight is not None and entry.weight < 100:
                self.lost(f"the answer {entry.text!r} worth {entry.weight:g}% dropped")
            elif entry.text and normalise_text(entry.text) not in map(normalise_text, kept):
                kept.append(" ".join(entry.text.split()))  # a repeat would add nothing
        if not kept:
            raise _Skip("no answer is fully right")
        if any("*" in k for k in kept):
            self.lost("'*' is a wildcard in GIFT short answers but is matched literally here")
        return ["Type: short", *(f"Answer: {k}" for k in kept)]

    def numeric(self, answer: str) -> list[str]:
        body, _, wrong = answer.partition("~")
        if wrong and (feedback := _answer(wrong, self.fmt).feedback):
            self.lost(f"feedback for other answers dropped: {feedback!r}")
        answers = [_answer(chunk, self.fmt) for _, chunk in _split(body, "=")]
        if not answers:
            raise _Skip("the numeric question has no answer")
        full = [a for a in answers if a.weight is None or a.weight >= 100]
        if not full:
            raise _Skip("no numeric answer is worth 100%; our numeric questions have one answer")
        for entry in answers:
            if entry.feedback:
                self.lost(f"feedback on the answer {entry.text!r} dropped: {entry.feedback!r}")
            if entry is not full[0]:
                worth = f" worth {entry.weight:g}%" if entry.weight is not None else ""
                self.lost(f"the answer {entry.text!r}{worth} dropped: "
                          f"only {full[0].text!r} is kept")
        return ["Type: numeric", f"Answer: {self.number(full[0].text)}"]

    def number(self, text: str) -> str:
        try:
            answer, flipped = numeric_answer(text)
        except ValueError:
            raise _Skip(f"the numeric answer {text!r} is not a number") from None
        if flipped:
            self.lost(f"the negative tolerance in {text!r} read as a positive one")
        return answer


def _title(text: str) -> tuple[str, str]:
    if not text.startswith("::"):
        return "", text
    name, found, rest = text[2:].partition("::")
    return (restore(name).strip(), rest.strip()) if found else ("", text[2:])


def _convert(line: int, text: str, number: int, notes: list[GiftNote]) -> list[str]:
    title, text = _title(text)
    fmt = split_format(text, "moodle")[1]
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise _Skip("a description (no answers) is not a question")
    if start < 0 or end < start:
        raise _Skip("the braces around the answers do not match")
    before, answer, after = text[:start], text[start + 1:end].strip(), text[end + 1:]
    if "{" in after or "}" in after:
        notes.append(GiftNote(line, "only the first {…} holds answers; later braces stay text"))
    converter = _Converter(line, fmt, notes)
    if (general := answer.rfind("####")) >= 0:
        converter.explain = paragraphs(*split_format(restore(answer[general + 4:]), fmt),
                                       blocks=False)
        answer = answer[:general].strip()
    body = converter.body(answer)
    # Answers inside the text (Moodle's "missing word") leave a blank where they stood.
    blank = BLANK if after.strip() else ""
    question = split_format(restore(before + blank + after), fmt)[0]
    texts = paragraphs(question, fmt)
    texts = [p.replace(BLANK, _WRITTEN_BLANK) for p in texts] or [
        text_line(title or f"Question {number}", "plain")]
    heading = re.sub(r"#+$", lambda m: "&#35;" * len(m.group()), texts[0])
    lines = [f"## {heading}", *(x for p in texts[1:] for x in ("", p)), *body]
    if converter.explain:
        lines.append(f"Explanation: {' '.join(converter.explain)}")
    return lines


def _checked(lines: list[str], types: dict[str, QuestionType]) -> str | None:
    """The checker's first error for this question, or None when it parses clean."""
    _, problems = parse_questions("\n".join(lines), path="gift", first_line=1, types=types)
    message = next((p.message for p in problems if p.is_error), None)
    # Lines of the converted text mean nothing to someone reading the GIFT file.
    return re.sub(r" \((?:also on )?lines? [\d, ]+\)", "", message) if message else None


def gift_to_markdown(text: str, *, title: str) -> GiftImport:
    """A whole ``.quiz.md`` file (front matter and questions) from a GIFT bank."""
    result = GiftImport("")
    types = load_question_types()
    blocks: list[str] = []
    items, categories = read_items(text)
    result.notes += [GiftNote(line, f"category {name!r} ignored: a quiz file has no categories")
                     for line, name in categories]
    for number, (line, item, tagged) in enumerate(items, start=1):
        notes: list[GiftNote] = []
        if tagged:
            notes.append(GiftNote(line, "Moodle tags and id numbers ([tag:…], [id:…]) dropped"))
        try:
            lines = _convert(line, item, number, notes)
            if problem := _checked(lines, types):
                raise _Skip(f"the converted question does not check: {problem}")
        except _Skip as skip:
            result.notes.append(GiftNote(line, f"not converted: {skip}"))
            result.not_converted += 1
            continue
        result.notes += notes
        result.converted += 1
        result.converted_lines.add(line)
        blocks.append("\n".join(lines))
    front = yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=False).strip()
    result.markdown = f"---\n{front}\n---\n\n" + "\n\n".join(blocks) + "\n"
    logger.info("GIFT: %d questions converted (%d with losses), %d not converted",
                result.converted, result.changed, result.not_converted)
    return result
