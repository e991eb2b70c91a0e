"""The badges feature's registration (see lms.features): certificates as Open Badges 3.0."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, url_for
from flask_babel import gettext

from lms import hooks
from lms.badges.cli import badges_cli
from lms.badges.views import bp
from lms.features import Feature


def _certificate_links(certificates: list[Any]) -> dict[str, list[tuple[str, str]]]:
    return {c.code: [(url_for("lms.badges.badge", code=c.code),
                      gettext("Download as Open Badge"))]
            for c in certificates if c.is_valid}


def setup(app: Flask, blueprint: Blueprint) -> None:
    hooks.add(hooks.certificate_links, _certificate_links)


feature = Feature(
    name="badges",
    blueprints=(bp,),
    models=("lms.badges.models",),
    commands=(badges_cli,),
    setup=setup,
)
