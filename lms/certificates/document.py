"""Build a certificate's HTML (built-in or course template) and render it to PDF."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import segno
from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext
from jinja2.sandbox import SandboxedEnvironment

from lms.certificates.models import Certificate
from lms.certificates.pdf import (
    COURSE_ASSETS,
    STATIC_BASE,
    certificate_fetcher,
    render_certificate_pdf,
)
from lms.i18n import text_direction
from lms.urls import external_url

VERIFY_ENDPOINT = "lms.certificates.verify"
COURSE_TEMPLATE = Path("certificate") / "certificate.html"


def verify_url(code: str) -> str:
    """The absolute address of a certificate's public verification page (see lms.urls)."""
    return external_url(VERIFY_ENDPOINT, code=code)


def qr_data_uri(url: str) -> str:
    """A QR code (SVG, as a data: URI) that opens ``url``."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2, dark="#10243e")


def text_direction_of(text: str, default: str) -> str:
    """``rtl`` or ``ltr`` from the first strong character, like ``dir="auto"`` in browsers."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


def course_template(source_dir: str | None) -> Path | None:
    """A course package's own ``certificate/certificate.html``, if it ships one."""
    if not source_dir:
        return None
    candidate = Path(source_dir) / COURSE_TEMPLATE
    return candidate if candidate.is_file() else None


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    """What every certificate template gets; call inside ``force_locale``."""
    url = verify_url(certificate.code)
    direction = text_direction(certificate.language)
    return {
        "certificate": {
            "code": certificate.code,
            "printed_name": certificate.printed_name,
            "course_title": certificate.course_title,
            "course_version": certificate.course_version,
            "language": certificate.language,
            "completed_on": format_date(certificate.completed_at, "long"),
        },
        "language": certificate.language,
        "direction": direction,
        "name_direction": text_direction_of(certificate.printed_name, direction),
        "title_direction": text_direction_of(certificate.course_title, direction),
        "organisation": current_app.config["LMS_ORGANISATION"],
        "logo_url": STATIC_BASE + current_app.config["LMS_CERTIFICATE_LOGO"],
        "static_url": STATIC_BASE,
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url),
    }


def _render_course_template(path: Path, context: dict[str, Any]) -> str:
    # Course authors are trusted less than the app: no attribute tricks, no file access.
    env = SandboxedEnvironment(autoescape=True)
    env.globals.update(_=gettext, gettext=gettext)
    return env.from_string(path.read_text(encoding="utf-8")).render(**context)


def certificate_pdf_bytes(certificate: Certificate, *, source_dir: str | None) -> bytes:
    """Render ``certificate`` in its own language, with the course's template if it has one."""
    template = course_template(source_dir)
    with force_locale(certificate.language):
        context = certificate_context(certificate)
        if template is not None:
            html = _render_course_template(template, context)
            base_url = COURSE_ASSETS
        else:
            html = render_template("lms/certificates/certificate.html", **context)
            base_url = STATIC_BASE
    fetcher = certificate_fetcher(template.parent.parent if template else None)
    return render_certificate_pdf(html, base_url, url_fetcher=fetcher)
