"""The printed module as HTML: what goes on paper, read from the database in 6 queries.

Two documents per module and language: the **handout** for the students (lessons with their
images and activities, quiz questions with room to answer, no right answers, no
explanations, no feedback) and the **answer key** for the teacher (each question with its
right answer and explanation). Both name the course version they were printed from.

Images are resolved here, not by WeasyPrint: an ``<img>`` whose file is missing from the
course package becomes a visible note with the image's description, so a handout never
fails or silently loses a picture. The images' bytes go into the document's version hash,
so a changed picture gives a new PDF.
"""

from __future__ import annotations

import hashlib
import html
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from markupsafe import Markup
from sqlalchemy import select

from lms.config import PACKAGE_DIR
from lms.courses.layout import MEDIA_SUFFIXES
from lms.courses.models import Course, CourseText, Item, ItemText, Module, ModuleText
from lms.courses.services import choose_language
from lms.db import db
from lms.i18n import text_direction
from lms.quizzes.review import describe_correct

log = logging.getLogger(__name__)

KINDS = ("handout", "answers")
#: Item pages live at ``/courses/<c>/<module>/<item>/``, so their media links climb two
#: levels to ``/courses/<c>/media/``; the same shape under a made-up origin that never
#: resolves, answered from the course folder by the fetcher (see lms.handouts.services).
ITEM_BASE = "https://course.lms.invalid/c/m/i/"
MEDIA_BASE = "https://course.lms.invalid/c/media/"
STATIC_BASE = "https://static.lms.invalid/"
#: The print stylesheet (lms/static/lms/handout.css); its bytes are part of the version.
STYLESHEET = PACKAGE_DIR / "static" / "lms" / "handout.css"
#: Bump when the printed layout changes in a way neither the HTML nor the stylesheet shows.
FORMAT = "1"

_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR_RE = {name: re.compile(rf'\b{name}="([^"]*)"', re.IGNORECASE) for name in ("src", "alt")}


@dataclass
class PrintedQuestion:
    number: int
    type: str
    prompt_html: Markup
    context_html: Markup
    view: dict[str, Any]
    answer: list[Markup] = field(default_factory=list)
    explanation_html: Markup = Markup("")
    graded: bool = True
    #: (option, what a learner choosing it is told), for the options that have feedback
    feedback: list[tuple[Markup, Markup]] = field(default_factory=list)


@dataclass
class PrintedItem:
    kind: str
    title: str
    language: str
    objectives: Sequence[str]
    html: Markup
    questions: list[PrintedQuestion]


@dataclass
class Document:
    kind: str
    language: str
    course_title: str
    course_version: str
    module_title: str
    module_summary: str
    items: list[PrintedItem]
    course_dir: Path
    #: the language the course and module texts were found in (the course's closest)
    content_language: str = ""
    images: list[Path] = field(default_factory=list)
    missing_images: int = 0
    html: str = ""

    @property
    def version(self) -> str:
        """Changes whenever anything printed changes: the HTML and the images' bytes."""
        digest = hashlib.sha256(f"{FORMAT}\n{self.html}".encode())
        for path in (STYLESHEET, *self.images):
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:  # removed since it was found: WeasyPrint will skip it too
                digest.update(b"unreadable " + str(path).encode())
        return digest.hexdigest()


def _pick(texts: dict[str, Any], language: str, course: Course) -> Any:
    return texts.get(choose_language(texts, language, course.default_language)) if texts else None


def build(module_id: int, *, kind: str, language: str) -> Document | None:
    """The module's document in ``language`` (its texts in the course's closest language),
    with its HTML; None when the module or its course is not available."""
    with force_locale(language):  # notes and right answers ("True") in that language too
        document = _load(module_id, kind=kind, language=language)
        if document is not None:
            document.html = render_template(
                "lms/handouts/module.html", document=document,
                direction=text_direction(language), static_base=STATIC_BASE)
    return document


def _load(module_id: int, *, kind: str, language: str) -> Document | None:
    module = db.session.get(Module, module_id)
    if module is None or not module.available:
        return None
    course = db.session.get(Course, module.course_id)
    if course is None or not course.available:
        return None
    course_texts = {t.language: t for t in db.session.scalars(
        select(CourseText).where(CourseText.course_id == course.id))}
    module_texts = {t.language: t for t in db.session.scalars(
        select(ModuleText).where(ModuleText.module_id == module.id))}
    items = db.session.scalars(select(Item).where(Item.module_id == module.id, Item.available)
                               .order_by(Item.position)).all()
    texts: dict[int, dict[str, ItemText]] = {item.id: {} for item in items}
    for text in db.session.scalars(
            select(ItemText).join(Item, Item.id == ItemText.item_id)
            .where(Item.module_id == module.id, ItemText.content_hash == Item.content_hash)):
        texts[text.item_id][text.language] = text
    course_text, module_text = (_pick(course_texts, language, course),
                                _pick(module_texts, language, course))
    document = Document(
        kind=kind, language=language,
        course_title=course_text.title if course_text else course.slug,
        course_version=course.version,
        module_title=module_text.title if module_text else module.slug,
        module_summary=module_text.summary if module_text else "",
        items=[], course_dir=Path(course.source_dir),
        content_language=module_text.language if module_text else course.default_language)
    for item in items:
        text = _pick(texts[item.id], language, course)
        if text is None:
            continue
        document.items.append(PrintedItem(
            kind=item.kind, title=text.title, language=text.language,
            objectives=tuple(text.objectives or ()),
            html=Markup(_resolve_images(text.html or "", document)),
            questions=_questions(item, text.questions or [])))
    return document


def _questions(item: Item, questions: Sequence[dict[str, Any]]) -> list[PrintedQuestion]:
    """The questions in the authored order, options in a fixed order of their own."""
    types = current_app.extensions["lms"].question_types
    # As the quiz page does (QuizSettings.shuffle_options is on unless the author said no).
    shuffle_options = (item.quiz_settings or {}).get("shuffle_options", True) is not False
    printed = []
    for question in questions:
        qtype = types.get(question.get("type"))
        if qtype is None:
            continue
        config = question.get("config") or {}
        # Seeded by item and question: the same paper every time. Matching pairs are always
        # shuffled, or the columns would print side by side in the answer's order.
        rng = random.Random(f"{item.id}:{question.get('key')}")
        shuffle = shuffle_options or qtype.name == "matching"
        printed.append(PrintedQuestion(
            number=len(printed) + 1, type=qtype.name,
            prompt_html=Markup(question.get("prompt_html", "")),
            context_html=Markup(question.get("context_html", "")),
            view=qtype.public_view(dict(config), rng if shuffle else None),
            answer=describe_correct(qtype, config),
            explanation_html=Markup(question.get("explanation_html", "")),
            graded=qtype.graded, feedback=_feedback(config)))
    return printed


def _feedback(config: dict[str, Any]) -> list[tuple[Markup, Markup]]:
    options = config.get("options")
    if not isinstance(options, list):
        return []
    return [(Markup(o.get("html", "")), Markup(o["feedback_html"])) for o in options
            if isinstance(o, dict) and o.get("feedback_html")]


def _resolve_images(fragment: str, document: Document) -> str:
    """Point each image at its file in the course folder, or replace it with a note."""

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _ATTR_RE["src"].search(tag)
        alt = _ATTR_RE["alt"].search(tag)
        path = _media_file(html.unescape(src.group(1)) if src else "", document.course_dir)
        if path is not None:
            if path not in document.images:
                document.images.append(path)
            url = MEDIA_BASE + path.relative_to(document.course_dir.resolve()).as_posix()
            return tag.replace(src.group(0), f'src="{html.escape(url)}"')  # type: ignore[union-attr]
        document.missing_images += 1
        log.warning("handout: image not found in %s: %s", document.course_dir,
                    src.group(1)[:200] if src else "(no src)")
        return str(Markup('<span class="missing-image">{}</span>').format(
            gettext("[Image missing from the course: %(description)s]",
                    description=Markup(alt.group(1) if alt else "") or "—")))

    return _IMG_RE.sub(replace, fragment)


def _media_file(src: str, course_dir: Path) -> Path | None:
    url = urljoin(ITEM_BASE, src)
    if not url.startswith(MEDIA_BASE):
        return None  # another site's image: printing never calls the network
    relative = unquote(url[len(MEDIA_BASE):].split("?", 1)[0].split("#", 1)[0])
    folder = course_dir.resolve()
    target = (folder / relative).resolve()
    if (target.suffix.lower() not in MEDIA_SUFFIXES or not target.is_relative_to(folder)
            or not target.is_file()):
        return None
    return target
