"""The feature contract (lms.features): a plugin distribution adds a feature, with its pages,
navigation entry and set-up, through an ``lms.features`` entry point and no other edit."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from flask import Blueprint, Flask

from lms.db import db
from lms.features import Feature, NavEntry
from tests.conftest import make_test_app

stickers = Blueprint("stickers", __name__)


@stickers.get("/stickers/")
def mine() -> str:
    return "my stickers"


def _setup(app: Flask, blueprint: Blueprint) -> None:
    app.extensions["stickers-ready"] = True


#: What a plugin distribution publishes as ``[project.entry-points."lms.features"]``.
feature = Feature(name="stickers", blueprints=(stickers,), setup=_setup,
                  nav=(NavEntry("lms.stickers.mine", "Stickers", roles=("teacher",)),))
not_a_feature = object()


def plug(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    entry = EntryPoint(name="stickers", value=value, group="lms.features")
    monkeypatch.setattr("lms.plugins.entry_points",
                        lambda *, group: [entry] if group == "lms.features" else [])


def test_a_plugin_feature_adds_its_pages_navigation_and_set_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flask_migrate import upgrade

    from lms.auth.services import create_user

    plug(monkeypatch, "tests.test_features:feature")
    plugged = make_test_app("sqlite:///" + str(tmp_path / "plugged.sqlite3"), tmp_path)
    assert plugged.extensions["stickers-ready"] is True
    with plugged.app_context():
        upgrade()
        for role, sees in (("teacher", True), ("student", False)):
            create_user(username=role, password="password123", display_name=role, role=role)
            client = plugged.test_client()
            client.post("/account/login", data={"login": role, "password": "password123"})
            assert client.get("/stickers/").text == "my stickers"
            catalogue = client.get("/courses/").text
            assert ('<a href="/stickers/">Stickers</a>' in catalogue) is sees
        db.session.remove()
        db.engine.dispose()


def test_an_entry_point_that_is_not_a_feature_stops_start_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plug(monkeypatch, "tests.test_features:not_a_feature")
    with pytest.raises(TypeError, match="entry point 'stickers'.*not an lms.features.Feature"):
        make_test_app("sqlite://", tmp_path)
