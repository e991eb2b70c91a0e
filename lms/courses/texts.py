"""Turning checked source files into TextVersions and ItemSpecs: lint, render, quizzes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lms.courses.frontmatter import SourceFile
from lms.courses.layout import make_link_map
from lms.courses.lint import lint_markdown
from lms.courses.package import ItemSpec, TextVersion
from lms.markdown import image_size_in, render_markdown
from lms.problems import N_, Problem

__all__ = ["QUIZ_SETTING_KEYS", "TextBuilder", "awaiting_review", "split_quiz_fence",
           "text_value"]

#: Front-matter keys of a quiz file that are quiz settings (the rest is the item's).
QUIZ_SETTING_KEYS = frozenset(
    {"pass_mark", "attempts", "shuffle_questions", "shuffle_options", "show_answers", "required",
     "draw"}
)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUIZ_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*quiz[ \t]*$")
#: A page's addresses lead back to the course page with these (see layout.py).
ITEM_TO_ROOT = "../../"


def text_value(meta: Mapping[str, Any], key: str) -> str:
    """A text front-matter value, or "" when absent or not text (check_meta reports that)."""
    value = meta.get(key)
    return value.strip() if isinstance(value, str) else ""


def awaiting_review(meta: Mapping[str, Any]) -> bool:
    """``review: awaiting`` and no reviewer named yet (an empty name is reported by check_meta)."""
    return meta.get("review") == "awaiting" and not text_value(meta, "reviewed_by")


def _text_list(meta: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = meta.get(key)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def split_quiz_fence(
    body: str, first_line: int, path: str
) -> tuple[str, str | None, int, list[Problem]]:
    """Cut a lesson's closing ```quiz block off its body.

    Returns (body without the block, the block's text or None, the file line of the block's
    first line, problems).
    """
    lines = body.split("\n")
    fence: str | None = None
    start = None
    for index, line in enumerate(lines):
        match = _FENCE_RE.match(line)
        if fence is None and _QUIZ_FENCE_RE.match(line):
            start = index
            break
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and match and match.group(1).startswith(fence):
            fence = None
    if start is None:
        return body, None, 0, []
    marker = _FENCE_RE.match(lines[start]).group(1)  # type: ignore[union-attr]
    problems: list[Problem] = []
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(marker)
         and not lines[i].strip().strip(marker[0])),
        None,
    )  # fmt: skip
    if end is None:
        message = N_("the quiz block is not closed: end it with a %(fence)s line")
        problems.append(Problem.of(path, first_line + start, message, fence=marker))
        end = len(lines)
    if any(line.strip() for line in lines[end + 1 :]):
        message = N_("the quiz block must be the last thing in the lesson")
        problems.append(Problem.of(path, first_line + start, message))
    quiz_text = "\n".join(lines[start + 1 : end])
    return "\n".join(lines[:start]), quiz_text, first_line + start + 1, problems


class TextBuilder:
    """Builds the texts of one course. Problems found are appended to ``problems``."""

    def __init__(
        self,
        root: Path,
        course_slug: str,
        pages: Mapping[str, str],
        question_types: Mapping[str, Any] | None,
        problems: list[Problem],
        languages: Sequence[str] = (),
        certificate: bool = False,
    ) -> None:
        self.root = root
        self.certificate = certificate  # the course issues one: its quizzes must not leak
        self.languages = tuple(languages)
        self.course_slug = course_slug
        self.pages = pages
        self.question_types = question_types
        self.problems = problems

    def page_text(
        self,
        source: SourceFile,
        language: str,
        *,
        to_root: str,
        fallback: SourceFile | None = None,
        body: str | None = None,
        questions: Sequence[Any] = (),
        render: bool = True,
    ) -> TextVersion:
        """Lint and render one language of a page. A translation without ``summary`` or
        ``objectives`` takes them from ``fallback``, the default-language file."""
        body = source.body if body is None else body
        folder = source.rel.parent
        self.problems += lint_markdown(
            source.body,
            first_line=source.body_line,
            path=source.path,
            file_dir=self.root / folder,
            course_root=self.root,
        )
        html = ""
        if render:
            prefix = to_root + "media/" + ("" if str(folder) == "." else f"{folder}/")
            link_map = make_link_map(folder, to_root, self.pages)
            html = render_markdown(body, media_prefix=prefix, link_map=link_map,
                                   image_size=image_size_in(self.root / folder, self.root))
        meta, fallback_meta = source.meta, (fallback.meta if fallback is not None else {})
        return TextVersion(
            language=language,
            title=text_value(meta, "title"),
            summary=text_value(meta, "summary") or text_value(fallback_meta, "summary"),
            objectives=_text_list(meta, "objectives") or _text_list(fallback_meta, "objectives"),
            html=html,
            source_path=f"{self.course_slug}/{source.rel}",
            questions=tuple(questions),
            awaiting_review=awaiting_review(meta),
        )

    def questions(self, text: str, source: SourceFile, first_line: int) -> list[Any]:
        from lms.questions.parse import parse_questions  # written alongside; imported when needed

        questions, problems = parse_questions(
            text, path=source.path, first_line=first_line, types=self.question_types
        )
        self.problems += problems
        return questions

    def warn_missing_translations(self, sources: Mapping[str, SourceFile],
                                  default_language: str) -> None:
        """A declared language without its file: learners reading it get the original."""
        original = sources.get(default_language)
        if original is None:
            return
        for language in self.languages:
            if language not in sources:
                name = original.rel.name.removesuffix(".md") + f".{language}.md"
                expected = original.path.removesuffix(original.rel.name) + name
                self.problems.append(Problem.of(
                    expected, 0, N_("the course is in %(language)s but this file is "
                                    "missing; learners reading %(language)s see the original"),
                    is_error=False, language=language))

    def compare_questions(
        self, source: SourceFile, original: Sequence[Any], translated: Sequence[Any],
        original_path: str,
    ) -> None:
        """A translated quiz must ask the same questions, in the same order, of the same types."""
        if len(original) != len(translated):
            message = N_("the translation has %(here)s questions, the original %(original)s: "
                         "repeat every question in the same order")
            self.problems.append(Problem.of(source.path, source.body_line, message,
                                            here=len(translated), original=len(original)))
            return
        for number, (first, second) in enumerate(zip(original, translated, strict=True), 1):
            if getattr(first, "type", None) != getattr(second, "type", None):
                message = N_("question %(number)s is %(here)s here but %(original)s in the "
                             "original")
                self.problems.append(Problem.of(
                    source.path, getattr(second, "line", 0), message, number=number,
                    here=getattr(second, "type", "?"), original=getattr(first, "type", "?")))
            elif not self._same_key(first, second):
                # Learners in every language are graded alike only if the keys agree.
                message = N_("question %(number)s does not have the same right answers as in "
                             "the original (%(original)s): keep the options, pairs, items, "
                             "blanks and numbers in the same order and mark the same ones right")
                self.problems.append(Problem.of(
                    source.path, second.line, message, number=number,
                    original=f"{original_path}:{first.line}"))

    def _same_key(self, first: Any, second: Any) -> bool:
        if self.question_types is None:
            from lms.questions.types import load_question_types

            self.question_types = load_question_types()
        qtype = self.question_types.get(first.type)
        if qtype is None:
            return True
        return bool(qtype.answer_key(first.config) == qtype.answer_key(second.config))

    def item(
        self,
        slug: str,
        position: int,
        is_quiz: bool,
        sources: Mapping[str, SourceFile],
        default_language: str,
        content_hash: str,
    ) -> ItemSpec | None:
        """Build a lesson or quiz item; None when its default-language file could not be read."""
        from lms.questions.settings import certificate_leak, parse_quiz_settings, pool_problems

        original = sources.get(default_language)
        if original is None:
            return None
        texts: dict[str, TextVersion] = {}
        has_quiz_block = False
        for language, source in sorted(sources.items(), key=lambda kv: kv[0] != default_language):
            fallback = original if source is not original else None
            if is_quiz:
                questions = self.questions(source.body, source, source.body_line)
                # The text before the first question is not shown (parse_questions warns).
                text = self.page_text(source, language, to_root=ITEM_TO_ROOT, fallback=fallback,
                                      questions=questions, render=False)  # fmt: skip
            else:
                body, quiz_text, quiz_line, problems = split_quiz_fence(
                    source.body, source.body_line, source.path
                )
                self.problems += problems
                has_quiz_block = has_quiz_block or (source is original and quiz_text is not None)
                questions = (
                    self.questions(quiz_text, source, quiz_line) if quiz_text is not None else []
                )
                text = self.page_text(source, language, to_root=ITEM_TO_ROOT, fallback=fallback,
                                      body=body, questions=questions)  # fmt: skip
            if source is not original:
                self.compare_questions(source, texts[default_language].questions, questions,
                                       original.path)
            texts[language] = text
        self.warn_missing_translations(sources, default_language)
        title = texts[default_language].title
        settings = None
        if is_quiz:
            meta = {k: v for k, v in original.meta.items() if k in QUIZ_SETTING_KEYS}
            settings, problems = parse_quiz_settings(
                meta, path=original.path, line_of=original.line_of, default_title=title or slug
            )
            self.problems += problems
        elif has_quiz_block or "quiz" in original.meta:
            if not has_quiz_block:
                message = N_("quiz settings given but the lesson does not end with a ```quiz block")
                self.problems.append(Problem.of(original.path, original.line_of("quiz"), message))
            meta = original.meta.get("quiz")
            settings, problems = parse_quiz_settings(
                meta if isinstance(meta, dict) else {},
                path=original.path,
                line_of=lambda key: original.line_of(f"quiz.{key}"),
                default_title=title or slug,
            )
            self.problems += problems
        bank = len(texts[default_language].questions)
        if settings is not None:
            prefix = "" if is_quiz else "quiz."
            self.problems += pool_problems(settings, bank, path=original.path,
                                           line=original.line_of(prefix + "draw"))
            self.problems += certificate_leak(
                settings, certificate=self.certificate, path=original.path,
                line=original.line_of(prefix + "show_answers"))
        minutes = original.meta.get("estimated_minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            # Quizzes may leave it out: about a minute a question (asked, when drawn).
            minutes = max(1, min(bank, settings.draw) if settings and settings.draw else bank)
        return ItemSpec(
            slug=slug,
            kind="quiz" if is_quiz else "lesson",
            position=position,
            estimated_minutes=minutes,
            texts=texts,
            quiz=settings,
            content_hash=content_hash,
        )
