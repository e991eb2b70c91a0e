"""Translations: the Italian, Portuguese, Spanish and French catalogues cover every UI string
with the right plural forms, placeholders match, and the page language follows the user's
setting, then the session switcher, then Accept-Language.

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


#: Catalogues that must translate every string (Arabic may lag behind: English shows instead).
COMPLETE = ["it", "pt", "es", "fr"]


@pytest.mark.parametrize("language", COMPLETE)
def test_catalogue_translates_every_string(template: Catalog, language: str) -> None:
    catalogue = load_catalogue(language)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id, context=message.context)
        if translated is None:
            problems.append(f"missing: {message.id!r} ({_where(message)})")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(_forms(translated)):
            problems.append(f"empty: {message.id!r} ({_where(message)})")
        elif message.pluralizable and not translated.pluralizable:
            problems.append(f"needs plural forms: {message.id!r}")
        elif message.pluralizable and len(_forms(translated)) != catalogue.num_plurals:
            problems.append(f"needs {catalogue.num_plurals} plural forms: {message.id!r}")
    assert not problems, (
        f"{language} translations are missing; append the new entries to the end of "
        f"lms/translations/{language}/LC_MESSAGES/messages.po (do not run `make i18n-update`), "
        "translate them, then `make i18n-compile`:\n" + "\n".join(problems)
    )


#: The plural rule each catalogue's header must declare, and (count, form) pairs it must give:
#: the classic gettext rules, so Portuguese (as in Mozambique and Angola, after the European
#: norm) says "0 perguntas" and French "0 question". Arabic has six forms, the fifth for 11-99
#: ("11 سؤالًا") and the sixth for 100-102 ("100 سؤال"), as its translations are written
#: (Babel's own table swaps those two).
PLURAL_RULES = {
    "it": (2, "(n != 1)", [(0, 1), (1, 0), (2, 1)]),
    "pt": (2, "(n != 1)", [(0, 1), (1, 0), (2, 1)]),
    "es": (2, "(n != 1)", [(0, 1), (1, 0), (2, 1)]),
    "fr": (2, "(n > 1)", [(0, 0), (1, 0), (2, 1)]),
    "ar": (6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)",
           [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (102, 5),
            (103, 3), (111, 4)]),
}


@pytest.mark.parametrize("language", list(PLURAL_RULES))
def test_catalogue_declares_the_languages_plural_rule(language: str) -> None:
    from gettext import c2py

    count, expression, samples = PLURAL_RULES[language]
    catalogue = load_catalogue(language)
    assert (catalogue.num_plurals, catalogue.plural_expr) == (count, expression)
    rule = c2py(catalogue.plural_expr)
    assert [(n, rule(n)) for n, _ in samples] == samples


@pytest.mark.parametrize("language", COMPLETE + ["ar"])
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
    for language in (*COMPLETE, "ar"):
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


#: (what a partner's browser sends, the page language, the skip link in that language)
PARTNER_BROWSERS = [
    ("pt-MZ,pt;q=0.9", "pt", "Saltar para o conteúdo principal"),
    ("es-UY,es;q=0.9", "es", "Ir al contenido principal"),
    ("fr-TN,fr;q=0.9,ar;q=0.8", "fr", "Aller au contenu principal"),
]


@pytest.mark.parametrize(("accept", "language", "skip_link"), PARTNER_BROWSERS,
                         ids=[b[1] for b in PARTNER_BROWSERS])
def test_partner_languages_render_with_their_lang_attribute(
    client: FlaskClient, synced: None, accept: str, language: str, skip_link: str,
) -> None:
    """A browser in Mozambique, Uruguay or Tunisia (regional tags) gets the plain language."""
    for path in ("/courses/", "/account/login", "/account/signup"):
        page = client.get(path, headers={"Accept-Language": accept})
        assert page.status_code == 200, path
        assert f'<html lang="{language}" dir="ltr">' in page.text, path
        assert skip_link in page.text, path


def test_language_switcher_names_each_language_in_itself(client: FlaskClient) -> None:
    page = client.get("/account/login", headers={"Accept-Language": "en"})
    for code, name in [("it", "Italiano"), ("ar", "العربية"), ("pt", "Português"),
                       ("es", "Español"), ("fr", "Français")]:
        assert f'value="{code}" lang="{code}"' in page.text
        assert f">{name}</button>" in page.text
    client.post("/language", data={"language": "es", "next": "/courses/"})
    assert '<html lang="es"' in client.get("/courses/", headers={"Accept-Language": "fr"}).text


def test_dates_and_numbers_follow_the_locale(app: Flask) -> None:
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    source = "{{ moment | dateformat('long') }} / {{ 1234.5 | numberformat }}"
    # Each request gets its own app context: Flask-Babel caches the locale there.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "it"}):
        assert render_template_string(source, moment=moment) == "24 novembre 2026 / 1.234,5"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(source, moment=moment) == "November 24, 2026 / 1,234.5"
    for language, expected in [("pt", "24 de novembro de 2026 / 1.234,5"),
                               ("es", "24 de noviembre de 2026 / 1.234,5"),
                               ("fr", "24 novembre 2026 / 1\u202f234,5")]:
        with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
            assert render_template_string(source, moment=moment) == expected, language


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
        with force_locale("pt"):
            assert render_template_string(source) == "Sair|3 perguntas|, "
        with force_locale("fr"):
            # CLDR counts 0 and 1 as singular in French: the plural rule comes from the header.
            assert render_template_string(source).split("|")[1] == "3 questions"
            assert render_template_string(
                '{{ ngettext("%(num)d question", "%(num)d questions", 0) }}') == "0 question"
        assert render_template_string(source).startswith("Log out|")


@pytest.mark.parametrize("language", COMPLETE + ["ar"])
def test_catalogue_has_no_orphan_plural_forms(language: str) -> None:
    """Every ``msgstr[n]`` follows its ``msgid_plural`` or ``msgstr[n-1]``. A merge once left
    six ``msgstr[n] ""`` lines under a blank line: Babel reads past them, GNU msgfmt refuses."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    previous = ""
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith('"'):
            continue  # a continuation of the previous keyword's string
        found = re.match(r"msgstr\[(\d+)\]", line)
        if found:
            index = int(found.group(1))
            expected = "msgid_plural" if index == 0 else f"msgstr[{index - 1}]"
            if not previous.startswith(expected):
                problems.append(f"{path.name}:{number}: {line[:40]} does not follow {expected}")
        previous = line
    assert not problems, "\n".join(problems)
