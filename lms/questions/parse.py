"""Parse the questions of a quiz (the README's "Quizzes" syntax) into QuestionSpecs.

Each question starts with a ``## `` heading. Body lines that start at column 0 with a known
keyword (``Type:``, ``Explanation:``, ``Answer:``, …) set details; everything else is handed to
the question type, which picks out its options or items and leaves the rest as context.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.markdown import render_inline, render_markdown
from lms.problems import N_, Problem
from lms.questions.builtin.common import CHECK_RE
from lms.questions.types import (
    COMMON_KEYWORDS,
    BodyLine,
    KeywordLine,
    QuestionBlock,
    QuestionType,
    load_question_types,
)

__all__ = ["QuestionSpec", "parse_questions"]

logger = logging.getLogger(__name__)

_HEADING_RE = re.compile(r"^##[ \t]+(.*?)[ \t#]*$")
_KEYWORD_RE = re.compile(r"^([A-Za-z][A-Za-z-]*)[ \t]*:[ \t]*(.*?)\s*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# "Answers:" or "Explenation:" are typos, but "Watch: the video" is context: stay strict.
_TYPO_CUTOFF = 0.85


@dataclass(frozen=True)
class QuestionSpec:
    """One parsed question. ``key`` is ``q1``, ``q2``… by position in the quiz.

    ``config`` is JSON-serialisable and holds the answer key; ``context_html`` holds the
    paragraphs between the heading and the options, rendered (empty if none).
    """

    key: str
    type: str
    prompt_html: str
    explanation_html: str
    config: dict[str, Any]
    line: int
    context_html: str = ""


@dataclass
class _Chunk:
    heading: str
    line: int
    body: list[BodyLine] = field(default_factory=list)


def _split(lines: list[BodyLine], path: str) -> tuple[list[_Chunk], list[Problem]]:
    """Cut the text at ``## `` headings outside code fences."""
    chunks: list[_Chunk] = []
    problems: list[Problem] = []
    fence: str | None = None
    for body in lines:
        fence_match = _FENCE_RE.match(body.text)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
        heading = None if fence else _HEADING_RE.match(body.text)
        if heading and not body.text.startswith("###"):
            chunks.append(_Chunk(heading.group(1).strip(), body.line))
        elif chunks:
            chunks[-1].body.append(body)
        elif body.text.strip():
            problems.append(Problem.of(path, body.line, N_(
                "text before the first question is not shown; each question starts "
                "with a '## ' heading"), is_error=False))
    return chunks, problems


def _classify(chunk: _Chunk, path: str, known: set[str]) -> tuple[
        list[BodyLine], list[KeywordLine], list[Problem]]:
    """Separate keyword lines from body lines; ``Explanation:`` continues until a blank line."""
    body: list[BodyLine] = []
    keywords: list[KeywordLine] = []
    problems: list[Problem] = []
    in_explanation = False
    fence = False
    for line in chunk.body:
        if _FENCE_RE.match(line.text):
            fence = not fence
        match = None if fence else _KEYWORD_RE.match(line.text)
        name = match.group(1).lower() if match else ""
        if match and name in known:
            keywords.append(KeywordLine(name, match.group(2), line.line))
            in_explanation = name == "explanation"
            continue
        if match and (close := difflib.get_close_matches(name, known, 1, _TYPO_CUTOFF)):
            problems.append(Problem.of(path, line.line, N_(
                "unknown keyword '%(keyword)s:'; did you mean '%(suggestion)s:'?"),
                keyword=match.group(1), suggestion=close[0].capitalize()))
            continue
        if in_explanation and line.text.strip():
            last = keywords[-1]
            keywords[-1] = KeywordLine(last.name, f"{last.value}\n{line.text}", last.line)
            continue
        in_explanation = False
        body.append(line)
    return body, keywords, problems


def _infer_type(chunk: _Chunk, body: list[BodyLine], type_lines: list[KeywordLine],
                types: Mapping[str, QuestionType], path: str) -> tuple[str | None, list[Problem]]:
    known = ", ".join(sorted(types))
    problems = [Problem.of(path, k.line, N_("only one 'Type:' line is allowed"))
                for k in type_lines[1:]]
    if type_lines:
        name = type_lines[0].value.strip().lower()
        if name not in types:
            problems.append(Problem.of(path, type_lines[0].line, N_(
                "unknown question type %(type)s; known types: %(known)s"),
                type=repr(type_lines[0].value), known=known))
            return None, problems
        return name, problems
    ticks = [m.group(1) for b in body if (m := CHECK_RE.match(b.text))]
    if ticks:
        # Several [x] make a multiple choice, as the README says; none is reported by the type.
        return ("multiple" if sum(t != " " for t in ticks) > 1 else "single"), problems
    problems.append(Problem.of(path, chunk.line, N_(
        "cannot tell the question type: add options as a checklist ('- [x] right', "
        "'- [ ] wrong') or a 'Type:' line (known types: %(known)s)"), known=known))
    return None, problems


def _parse_chunk(chunk: _Chunk, key: str, path: str, types: Mapping[str, QuestionType],
                 known: set[str]) -> tuple[QuestionSpec | None, list[Problem]]:
    body, keywords, problems = _classify(chunk, path, known)
    if not chunk.heading:
        problems.append(Problem.of(path, chunk.line, N_("the question heading is empty")))
    type_name, type_problems = _infer_type(
        chunk, body, [k for k in keywords if k.name == "type"], types, path)
    problems += type_problems
    if type_name is None:
        return None, problems
    qtype = types[type_name]
    for kw in keywords:
        if kw.name in COMMON_KEYWORDS or kw.name in qtype.keywords:
            continue
        users = sorted(n for n, t in types.items() if kw.name in t.keywords)
        problems.append(Problem.of(path, kw.line, N_(
            "'%(keyword)s:' does not apply to a %(type)s question (it is used by: %(users)s)"),
            keyword=kw.name.capitalize(), type=type_name, users=", ".join(users)))
    block = QuestionBlock(
        path=path, heading=chunk.heading, line=chunk.line, lines=tuple(body),
        keywords=tuple(k for k in keywords if k.name not in COMMON_KEYWORDS),
        explicit_type=any(k.name == "type" for k in keywords))
    config, parse_problems = qtype.parse(block)
    problems += parse_problems
    explanations = [k for k in keywords if k.name == "explanation"]
    problems += [Problem.of(path, k.line, N_("only one 'Explanation:' is allowed"))
                 for k in explanations[1:]]
    if any(p.is_error for p in problems):
        return None, problems
    context = "\n".join(b.text for b in qtype.context_lines(block)).strip()
    spec = QuestionSpec(
        key=key,
        type=type_name,
        prompt_html=render_inline(chunk.heading),
        explanation_html=render_markdown(explanations[0].value) if explanations else "",
        config=config,
        line=chunk.line,
        context_html=render_markdown(context) if context else "",
    )
    return spec, problems


def parse_questions(
    text: str,
    *,
    path: str,
    first_line: int,
    types: Mapping[str, QuestionType] | None = None,
) -> tuple[list[QuestionSpec], list[Problem]]:
    """Parse a quiz body (after front matter; ``first_line`` is its line in the file).

    Returns the questions that parsed without errors (keys stay positional, so fixing one
    question never renumbers the others) and every problem, sorted by line.
    """
    if types is None:
        types = load_question_types()
    known = set(COMMON_KEYWORDS).union(*(t.keywords for t in types.values()))
    lines = [BodyLine(first_line + i, t) for i, t in enumerate(text.splitlines())]
    chunks, problems = _split(lines, path)
    if not chunks:
        problems.append(Problem.of(path, first_line, N_(
            "no questions: start each question with a '## ' heading")))
    specs: list[QuestionSpec] = []
    for index, chunk in enumerate(chunks, start=1):
        spec, chunk_problems = _parse_chunk(chunk, f"q{index}", path, types, known)
        problems += chunk_problems
        if spec is not None:
            specs.append(spec)
    logger.debug("%s: %d questions, %d problems", path, len(specs), len(problems))
    return specs, sorted(problems, key=lambda p: (p.line, p.message))
