"""The badges feature's registration (see lms.features): certificates as Open Badges 3.0."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, url_for
from flask_babel import gettext

from lms import hooks
from lms.badges.cli import badges_cli
from lms.badges.keys import load_key_file
from lms.badges.views import bp
from lms.config import ConfigError
from lms.features import Feature


def _certificate_links(certificates: list[Any]) -> dict[str, list[tuple[str, str]]]:
    return {c.code: [(url_for("lms.badges.badge", code=c.code),
                      gettext("Download as Open Badge"))]
            for c in certificates if c.is_valid}


def _verification_links(certificate: Any) -> list[tuple[str, str]]:
    if not certificate.is_valid:
        return []
    return [(url_for("lms.badges.credential_json", code=certificate.code),
             gettext("This certificate as an Open Badge credential (JSON)"))]


def setup(app: Flask, blueprint: Blueprint) -> None:
    key_file = app.config.get("LMS_BADGES_KEY_FILE")
    if key_file:  # a wrong key file stops start-up, not the first learner's download
        try:
            load_key_file(key_file)
        except (OSError, ValueError, TypeError) as error:
            raise ConfigError(f"LMS_BADGES_KEY_FILE: {key_file}: {error}") from error
    hooks.add(hooks.certificate_links, _certificate_links)
    hooks.add(hooks.verification_links, _verification_links)


feature = Feature(
    name="badges",
    blueprints=(bp,),
    models=("lms.badges.models",),
    commands=(badges_cli,),
    setup=setup,
)
