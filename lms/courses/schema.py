"""Front-matter keys of each kind of course file, and the checks on their values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lms.courses.frontmatter import SourceFile
from lms.problems import N_, Problem

__all__ = [
    "COURSE_KEYS",
    "GUIDE_KEYS",
    "LESSON_KEYS",
    "MODULE_KEYS",
    "QUIZ_KEYS",
    "TOPICS",
    "UNTRANSLATED",
    "Key",
    "body_fingerprint",
    "check_meta",
    "is_slug",
]

TOPICS = ("interculturalism", "fair-trade", "ethical-finance", "other")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class Key:
    """One allowed front-matter key: its value ``kind``, whether it is required, and whether
    it holds text (text keys are the only ones a translation may repeat)."""

    kind: str
    required: bool = False
    text: bool = False


#: Every file, above all a translation, may say whether a native-speaking educator has
#: reviewed it: ``review: awaiting`` until then, ``reviewed_by: <Name>`` once done. Both are
#: about the file itself, so a translation may carry them (hence ``text=True``).
_REVIEW_KEYS: Mapping[str, Key] = {
    "review": Key("review", text=True),
    "reviewed_by": Key("text", text=True),
}


_TITLE = Key("text", required=True, text=True)
_SUMMARY = Key("text", text=True)
# Values of these are checked by lms.questions.settings.parse_quiz_settings.
_SETTING = Key("setting")
_QUIZ_SETTINGS = ("pass_mark", "attempts", "shuffle_questions", "shuffle_options",
                  "show_answers", "required", "draw")  # fmt: skip

COURSE_KEYS: Mapping[str, Key] = {
    "title": _TITLE,
    "summary": Key("text", required=True, text=True),
    "topic": Key("topic", required=True),
    "languages": Key("languages", required=True),
    "default_language": Key("text"),
    "version": Key("version", required=True),
    "audience": Key("text", text=True),
    "estimated_minutes": Key("minutes"),
    "licence": Key("text"),
    "authors": Key("list"),
    "certificate": Key("bool"),
    **_REVIEW_KEYS,
}
MODULE_KEYS: Mapping[str, Key] = {"title": _TITLE, "summary": _SUMMARY, "id": Key("id"),
                                  **_REVIEW_KEYS}
LESSON_KEYS: Mapping[str, Key] = {
    "title": _TITLE,
    "summary": _SUMMARY,
    "objectives": Key("list", text=True),
    "estimated_minutes": Key("minutes", required=True),
    "id": Key("id"),
    "quiz": Key("mapping"),
    **_REVIEW_KEYS,
}
QUIZ_KEYS: Mapping[str, Key] = {
    "title": _TITLE,
    "summary": _SUMMARY,
    "estimated_minutes": Key("minutes"),
    "id": Key("id"),
    **{name: _SETTING for name in _QUIZ_SETTINGS},
    **_REVIEW_KEYS,
}
GUIDE_KEYS: Mapping[str, Key] = {"title": _TITLE, "summary": _SUMMARY, **_REVIEW_KEYS}


#: Front matter of a translation started as a copy of its original: the fingerprint of the
#: copied text. While the text still matches it, the checker reports the file as not
#: translated (an English copy must not pass as Italian); once the text changes it is ignored.
UNTRANSLATED = "untranslated"


def body_fingerprint(body: str) -> str:
    """A short hash of a markdown body, blind to spacing and line ends."""
    import hashlib

    return hashlib.sha256(" ".join(body.split()).encode("utf-8")).hexdigest()[:16]


def is_slug(value: str) -> bool:
    """True for a lowercase id such as ``follow-a-cocoa-bean``."""
    return bool(_SLUG_RE.match(value))


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


_Reason = tuple[str, dict[str, Any]]


def _value_problem(name: str, key: Key, value: Any) -> _Reason | None:
    """Why ``value`` is wrong for ``key`` (a marked template and its parameters), or None."""
    kind = key.kind
    if kind == "text" and not (isinstance(value, str) and value.strip()):
        return N_("%(key)s must be text"), {"key": name}
    if kind == "version" and not isinstance(value, str):
        # YAML reads 1.10 as the number 1.1: only quotes keep the version as written.
        return N_('%(key)s must be text in quotes, e.g. %(key)s: "1.0"'), {"key": name}
    if kind == "minutes" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        return N_("%(key)s must be a whole number of minutes, 1 or more"), {"key": name}
    if kind == "bool" and not isinstance(value, bool):
        return N_("%(key)s must be true or false"), {"key": name}
    if kind == "list" and not _is_text_list(value):
        return N_("%(key)s must be a list of text, e.g. %(key)s: [first, second]"), {"key": name}
    if kind == "mapping" and not isinstance(value, dict):
        return N_("%(key)s must be a set of key: value settings on indented lines"), {"key": name}
    if kind == "review" and value != "awaiting":
        return (N_("%(key)s can only be awaiting; once an educator has reviewed the file, "
                   "add reviewed_by: <Name> instead"), {"key": name})
    if kind == "topic" and value not in TOPICS:
        return (N_("topic must be one of %(topics)s (not %(value)s)"),
                {"topics": ", ".join(TOPICS), "value": repr(value)})
    if kind == "id" and not (isinstance(value, str) and is_slug(value)):
        return (N_("id %(value)s is not a lowercase slug: use a-z, 0-9 and single hyphens"),
                {"value": repr(value)})
    if kind == "languages":
        if not _is_text_list(value) or not value:
            return (N_("%(key)s must be a list of language codes, e.g. %(key)s: [en, it]"),
                    {"key": name})
        bad = [v for v in value if not _LANGUAGE_RE.match(v)]
        if bad:
            return (N_("%(key)s: %(value)s is not a language code such as en or pt-BR"),
                    {"key": name, "value": repr(bad[0])})
        if len(set(value)) != len(value):
            return N_("%(key)s lists a language twice"), {"key": name}
    return None


def check_meta(
    source: SourceFile,
    keys: Mapping[str, Key],
    *,
    translation: bool = False,
    meta: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> list[Problem]:
    """Check front matter against ``keys``: unknown, missing and wrongly typed keys.

    A translation may only hold the text keys; ``meta``/``prefix`` check a nested mapping
    such as a lesson's ``quiz:`` settings.
    """
    meta = source.meta if meta is None else meta
    problems: list[Problem] = []
    allowed = [name for name, key in keys.items() if key.text or not translation]
    for name, value in meta.items():
        line = source.line_of(prefix + name)
        if translation and not prefix and name == UNTRANSLATED:
            if str(value) == body_fingerprint(source.body):
                problems.append(Problem.of(source.path, line, N_(
                    "not translated yet: this is still a copy of the original. Translate "
                    "its text (the untranslated line can then go), or delete the file")))
            continue
        if name not in keys:
            listed = ", ".join(allowed)
            problems.append(Problem.of(source.path, line, N_(
                'unknown key "%(key)s" (allowed: %(allowed)s)'), key=name, allowed=listed))
        elif name not in allowed:
            problems.append(Problem.of(source.path, line, N_(
                '"%(key)s" comes from the default-language file: remove it from the translation'
            ), key=name))
        else:
            reason = _value_problem(name, keys[name], value)
            if reason is not None:
                problems.append(Problem.of(source.path, line, reason[0], **reason[1]))
    for name in allowed:
        if keys[name].required and name not in meta:
            problems.append(Problem.of(source.path, source.line_of(prefix),
                                       N_('missing required key "%(key)s"'), key=name))
    return problems
