"""Translations: the Italian catalogue covers every UI string, placeholders match, and the
page language follows the user's setting, then the session switcher, then Accept-Language.

The strings are extracted afresh from ``lms/`` and ``templates/`` inside the test (Babel's
Python API, the same ``babel.cfg`` as ``make i18n-extract``), so a string added without a
translation fails here even if nobody ran ``make i18n-update``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lms" / "translations"
# The same keywords as the Makefile's i18n-extract, on top of Babel's defaults.
KEYWORDS = {"lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXor%]|%%")


def extract_template() -> Catalog:
    """Every translatable string now in the code and templates, as a .pot would hold them."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="lms")
    for folder in ("lms", "templates"):
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder, method_map, options_map,
            keywords={**DEFAULT_KEYWORDS, **KEYWORDS},
        ):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    return catalog


def load_catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def template() -> Catalog:
    catalog = extract_template()
    assert len(catalog) > 100, "extraction found too few strings: is babel.cfg right?"
    return catalog


def _where(message: Message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:2])


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> set[str]:
    return {match.group(1) or "%" for match in PLACEHOLDER_RE.finditer(text)}


def test_italian_catalogue_translates_every_string(template: Catalog) -> None:
    italian = load_catalogue("it")
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = italian.get(message.id, context=message.context)
        if translated is None:
            problems.append(f"missing: {message.id!r} ({_where(message)})")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(_forms(translated)):
            problems.append(f"empty: {message.id!r} ({_where(message)})")
        elif message.pluralizable and not translated.pluralizable:
            problems.append(f"needs plural forms: {message.id!r}")
    assert not problems, (
        "Italian translations are missing; run `make i18n-update`, translate "
        "lms/translations/it/LC_MESSAGES/messages.po, then `make i18n-compile`:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", ["it", "ar"])
def test_placeholders_match(language: str) -> None:
    """A translation keeps exactly the source's %(name)s placeholders (a typo is a KeyError)."""
    catalogue = load_catalogue(language)
    problems = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = set().union(*(_placeholders(text) for text in ids))
        for number, form in enumerate(_forms(message)):
            if not form:
                continue  # untranslated: gettext falls back to English
            found = _placeholders(form)
            # A singular form may leave the count out ("un tentativo"), never add a name.
            allowed = expected - {"num"} if number == 0 and message.pluralizable else expected
            if not (allowed <= found <= expected):
                problems.append(f"{message.id!r}: {sorted(found)} != {sorted(expected)}")
        if "python-format" not in message.flags and any("%(" in text for text in ids):
            problems.append(f"{message.id!r} lacks the python-format flag")
    assert not problems, "\n".join(problems)


def test_catalogues_are_compiled() -> None:
    """``make install``/``make test`` and the test session compile the .po files."""
    for language in ("it", "ar"):
        folder = TRANSLATIONS / language / "LC_MESSAGES"
        assert (folder / "messages.mo").stat().st_mtime >= (folder / "messages.po").stat().st_mtime


def test_accept_language_picks_italian(client: FlaskClient, synced: None) -> None:
    page = client.get("/courses/", headers={"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"})
    assert '<html lang="it" dir="ltr">' in page.text
    assert "Vai al contenuto principale" in page.text
    assert "Corsi" in page.text


def test_session_switcher_beats_accept_language(client: FlaskClient) -> None:
    client.post("/language", data={"language": "it", "next": "/courses/"})
    page = client.get("/courses/", headers={"Accept-Language": "en"})
    assert '<html lang="it"' in page.text


def test_user_setting_beats_session_and_browser(
    client: FlaskClient, make_user: Callable[..., object], login: Callable[..., None],
) -> None:
    user = make_user(language="it")
    client.post("/language", data={"language": "en", "next": "/courses/"})
    login(user)
    from lms.auth.services import set_user_language

    set_user_language(user.id, "it")  # type: ignore[attr-defined]
    page = client.get("/courses/", headers={"Accept-Language": "en"})
    assert '<html lang="it"' in page.text
    assert "Esci" in page.text


def test_arabic_pages_are_right_to_left(client: FlaskClient) -> None:
    page = client.get("/courses/", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "الدورات" in page.text


def test_dates_and_numbers_follow_the_locale(app: Flask) -> None:
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    source = "{{ moment | dateformat('long') }} / {{ 1234.5 | numberformat }}"
    # Each request gets its own app context: Flask-Babel caches the locale there.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "it"}):
        assert render_template_string(source, moment=moment) == "24 novembre 2026 / 1.234,5"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(source, moment=moment) == "November 24, 2026 / 1,234.5"


PHYSICAL_RE = re.compile(
    r"(?<![-\w])(?:(?:margin|padding|border)-(?:left|right)|left|right)\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)"
)


def test_stylesheet_uses_logical_properties_only() -> None:
    """Right-to-left pages mirror themselves only if the screen stylesheet never says left or
    right (margin-inline-start, inset-inline-end, text-align: start …)."""
    css = (ROOT / "lms" / "static" / "lms" / "style.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    found = [
        f"line {css[: match.start()].count(chr(10)) + 1}: {match.group(0)}"
        for match in PHYSICAL_RE.finditer(css)
    ]
    assert not found, "use logical properties instead:\n" + "\n".join(found)


def test_templates_translate_in_the_locale_of_each_render(app: Flask) -> None:
    """The catalogue is looked up once per render: a forced locale inside an English
    request (a certificate, an e-mail) still gets its own language, plurals included."""
    from flask_babel import force_locale

    source = ('{{ _("Log out") }}|{{ ngettext("%(num)d question", "%(num)d questions", 3) }}|'
              '{{ pgettext("separator between the items of a list", ", ") }}')
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(source) == "Log out|3 questions|, "
        with force_locale("it"):
            assert render_template_string(source) == "Esci|3 domande|, "
        with force_locale("ar"):
            assert render_template_string(source).split("|")[2] == "، "
        assert render_template_string(source).startswith("Log out|")
