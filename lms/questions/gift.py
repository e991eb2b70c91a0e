"""Convert a Moodle GIFT question bank into a ``.quiz.md`` file in the README's quiz syntax.

Authors arrive with GIFT banks; converting them to our markdown (rather than importing GIFT at
run time) keeps one quiz syntax to learn, check and translate. What the markdown syntax cannot
express is reported, with the GIFT line number, instead of being silently lost.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import yaml

__all__ = ["gift_to_markdown"]

logger = logging.getLogger(__name__)

# Escaped specials become private-use characters while parsing, and are restored at the end.
_ESCAPES = {"\\\\": "\ue006", "\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002",
            "\\{": "\ue003", "\\}": "\ue004", "\\:": "\ue005", "\\n": "\n"}
_RESTORE = str.maketrans({"\ue000": "~", "\ue001": "=", "\ue002": "#", "\ue003": "{",
                          "\ue004": "}", "\ue005": ":", "\ue006": "\\"})
_TITLE_RE = re.compile(r"^\s*::(.*?)::", re.S)
_FORMAT_RE = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]", re.I)
_TF_RE = re.compile(r"^(T|F|TRUE|FALSE)\s*(?:#([^#]*))?(?:#(.*))?$", re.I | re.S)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_MD_SPECIALS = re.compile(r"([\\`*_\[\]<>|])")


@dataclass
class _Entry:
    marker: str  # "=" or "~"
    text: str
    weight: float | None
    feedback: str

    @property
    def correct(self) -> bool:
        return self.weight > 0 if self.weight is not None else self.marker == "="


@dataclass
class _Item:
    line: int
    text: str
    title: str = ""
    fmt: str = "moodle"


def _protect(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _items(text: str) -> list[_Item]:
    """Blank-line separated items without comment and ``$CATEGORY:`` lines."""
    items: list[_Item] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            continue
        if stripped:
            start = start or number
            current.append(line)
        elif current:
            items.append(_Item(start, _protect("\n".join(current))))
            current, start = [], 0
    return items


def _markdown(text: str, fmt: str) -> str:
    """GIFT text in our markdown: plain text is escaped, HTML paragraphs become blank lines."""
    text = text.translate(_RESTORE).strip()
    if fmt == "plain":
        return _MD_SPECIALS.sub(r"\\\1", text)
    if fmt == "html":
        text = re.sub(r"\s*</p>\s*<p[^>]*>\s*", "\n\n", text, flags=re.I)
        text = re.sub(r"</?p[^>]*>|<br\s*/?>", " ", text, flags=re.I).strip()
    return text


def _line(text: str) -> str:
    """One line of markdown (options, headings, keyword values)."""
    return " ".join(text.split())


def _entries(answer: str) -> list[_Entry]:
    entries = []
    for chunk in re.split(r"(?=[=~])", answer):
        chunk = chunk.strip()
        if not chunk:
            continue
        marker, rest = chunk[0], chunk[1:].strip()
        weight = None
        if match := _WEIGHT_RE.match(rest):
            weight, rest = float(match.group(1)), rest[match.end():]
        text, _, feedback = rest.partition("#")
        entries.append(_Entry(marker, text.strip(), weight, feedback.strip()))
    return entries


def _number(text: str) -> str:
    return format(float(text.translate(_RESTORE).strip()), ".10g")


def _numeric(body: str, line: int, notes: list[str]) -> list[str] | None:
    """``Answer: centre ± tolerance`` lines from ``1.5:0.1``, ``1..2`` or ``=`` alternatives."""
    if "=" in body:
        entries = _entries(body)
        full = [e for e in entries if e.weight is None or e.weight >= 100]
        if not full:
            notes.append(f"line {line}: numeric question has no 100% answer; not converted")
            return None
        if len(entries) > 1:
            notes.append(f"line {line}: numeric question: kept the 100% answer {full[0].text!r}, "
                         f"dropped {len(entries) - 1} other (partial-credit) answer(s)")
        body = full[0].text
    else:
        body = body.partition("#")[0]
    try:
        if ".." in body:
            low, high = (float(_number(x)) for x in body.split("..", 1))
            centre, spread = (low + high) / 2, abs(high - low) / 2
            return ["Type: numeric", f"Answer: {format(centre, '.10g')} ± {format(spread, '.10g')}"]
        value, _, tolerance = body.partition(":")
        answer = _number(value) + (f" ± {_number(tolerance)}" if tolerance.strip() else "")
    except ValueError:
        notes.append(f"line {line}: numeric answer {body.strip()!r} does not parse; not converted")
        return None
    return ["Type: numeric", f"Answer: {answer}"]


def _options(entries: list[_Entry], fmt: str, line: int, notes: list[str]) -> list[str] | None:
    correct = [e for e in entries if e.correct]
    if not correct:
        notes.append(f"line {line}: choice question has no correct answer; not converted")
        return None
    weights = {e.weight for e in correct if e.weight is not None}
    if len(correct) == 1 and any(e.weight and 0 < e.weight < 100 for e in correct):
        notes.append(f"line {line}: partial credit of the only correct answer dropped")
    if len(weights) > 1:
        notes.append(f"line {line}: answer weights {sorted(weights)} became equal shares")
    lines = ["Type: multiple"] if len(correct) > 1 else []
    for entry in entries:
        lines.append(f"- [{'x' if entry.correct else ' '}] {_line(_markdown(entry.text, fmt))}")
        if entry.feedback:
            lines.append(f"  > {_line(_markdown(entry.feedback, fmt))}")
    return lines


def _body(answer: str, fmt: str, line: int, notes: list[str],
          explain: list[str]) -> tuple[str, list[str] | None]:
    """Classify the answer braces; return the kind and our lines (None when not converted).

    True-false feedback has nowhere else to go, so the right-answer feedback joins ``explain``.
    """
    stripped = answer.strip()
    if not stripped:
        return "essay", ["Type: reflection"]
    if stripped.startswith("#"):
        return "numeric", _numeric(stripped[1:], line, notes)
    if match := _TF_RE.match(stripped):
        if match.group(2) and match.group(2).strip():
            notes.append(f"line {line}: feedback for a wrong true-false answer dropped")
        if match.group(3) and match.group(3).strip():
            explain.append(_markdown(match.group(3), fmt))
        return "tf", ["Type: true-false", f"Answer: {str(match.group(1)[0] in 'Tt').lower()}"]
    entries = _entries(stripped)
    if not entries:
        notes.append(f"line {line}: cannot read the answers {stripped!r}; not converted")
        return "unknown", None
    if all(e.marker == "=" and "->" in e.text for e in entries):
        pairs = [tuple(_markdown(x, fmt) for x in e.text.split("->", 1)) for e in entries]
        if any(not left for left, _ in pairs):
            notes.append(f"line {line}: matching distractors without a left item dropped")
        return "matching", ["Type: matching", *(f"- {_line(left)} -> {_line(right)}"
                                                for left, right in pairs if left)]
    if all(e.marker == "=" for e in entries):
        if any(e.weight is not None and e.weight < 100 for e in entries):
            notes.append(f"line {line}: short answers with partial credit dropped")
        kept = [e for e in entries if e.weight is None or e.weight >= 100]
        if any(e.feedback for e in entries):
            notes.append(f"line {line}: feedback on short answers dropped")
        return "short", ["Type: short", *(f"Answer: {_line(_markdown(e.text, fmt))}" for e in kept)]
    return "choice", _options(entries, fmt, line, notes)


def _convert(item: _Item, number: int, notes: list[str]) -> list[str] | None:
    text = item.text
    if match := _TITLE_RE.match(text):
        item.title, text = match.group(1).translate(_RESTORE).strip(), text[match.end():]
    if match := _FORMAT_RE.match(text):
        item.fmt, text = match.group(1).lower(), text[match.end():]
    start = text.find("{")
    end = text.find("}", start + 1)
    if start < 0:
        snippet = _line(text.translate(_RESTORE))[:60]
        notes.append(f"line {item.line}: description-only item (no answers) not converted: "
                     f"{snippet!r}")
        return None
    if end < 0:
        notes.append(f"line {item.line}: '{{' is never closed; not converted")
        return None
    before, answer, after = text[:start], text[start + 1:end], text[end + 1:]
    explain: list[str] = []
    if "####" in answer:
        answer, general = answer.split("####", 1)
        explain.append(_markdown(general, item.fmt))
    kind, body = _body(answer, item.fmt, item.line, notes, explain)
    if body is None:
        return None
    heading_text = _markdown(before, item.fmt)
    if after.strip():  # missing word: "text {answers} text" becomes a cloze blank
        if kind not in ("choice", "short"):
            notes.append(f"line {item.line}: a missing-word {kind} question cannot be a cloze; "
                         "not converted")
            return None
        alternatives = [e.text for e in _entries(answer) if e.correct]
        blank = "|".join(_line(_markdown(a, item.fmt)) for a in alternatives)
        sentence = f"{heading_text} [[{blank}]] {_markdown(after, item.fmt)}"
        # GIFT titles are often ids ("premium-sentence"); only a title with words reads well.
        heading_text = item.title if " " in item.title else "Complete the sentence."
        body = ["Type: cloze", _line(sentence)]
    paragraphs = [p for p in re.split(r"\n\s*\n", heading_text) if p.strip()] or [
        item.title or f"Question {number}"]
    lines = [f"## {_line(paragraphs[0])}", *(_line(p) for p in paragraphs[1:]), *body]
    if any(explain):
        lines.append(f"Explanation: {_line(' '.join(reversed(explain)))}")
    return lines


def gift_to_markdown(text: str, *, title: str) -> tuple[str, list[str]]:
    """A whole ``.quiz.md`` file (front matter and questions) from a GIFT bank.

    Returns the markdown and messages (``line N: reason``) for items that were not converted
    or lost something on the way.
    """
    notes: list[str] = []
    blocks: list[str] = []
    for number, item in enumerate(_items(text), start=1):
        lines = _convert(item, number, notes)
        if lines is not None:
            blocks.append("\n".join(lines))
    front = yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=False).strip()
    logger.info("GIFT: converted %d questions, %d messages", len(blocks), len(notes))
    return f"---\n{front}\n---\n\n" + "\n\n".join(blocks) + "\n", notes
