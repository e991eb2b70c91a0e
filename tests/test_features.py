"""The feature contract (lms.features): a plugin distribution adds a feature, with its pages,
navigation entry and set-up, through an ``lms.features`` entry point and no other edit."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

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


def test_the_built_in_features_give_each_role_its_links_in_order(
        client: FlaskClient, make_user: Callable, login: Callable) -> None:
    """The main menu comes from the features' NavEntry rows, not from lms/base.html."""
    import re

    expected = {
        "student": ["Join a class", "My certificates"],
        "teacher": ["My classes", "My certificates"],
        "trainer": ["Author", "Join a class", "My certificates"],
        "admin": ["My classes", "Author", "Users", "Certificates", "LTI platforms",
                  "My certificates"],
    }
    for role, links in expected.items():
        login(make_user(role=role))
        page = client.get("/courses/").text
        nav = page.split('<ul class="nav-list">', 1)[1].split("</ul>", 1)[0]
        shown = re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', nav)
        assert shown == ["Courses", *links, "My account"], role
        client.post("/account/logout")


def test_command_groups_merge_by_name_and_a_hosts_own_command_stays(tmp_path: Path) -> None:
    """``lms courses`` gathers lms.cli's and lms.authoring's commands; a host app's own
    ``users`` command is not replaced by the LMS's group."""
    from lms import LMS
    from lms.cli import courses_group

    host = Flask("host", instance_path=str(tmp_path / "instance"))

    @host.cli.command("users")
    def host_users() -> None:
        """The host's own."""

    LMS(host, config={"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert host.cli.commands["users"] is host_users
    courses = host.cli.commands["courses"]
    assert {"check", "sync", "move-learners", "import-gift", "export", "import"} <= set(
        courses.commands)  # type: ignore[attr-defined]
    assert courses.help == "Check and load course packages."
    assert "export" not in courses_group.commands  # merged per app, the module's group intact
    assert {"backup", "restore", "mail", "certificates"} <= set(host.cli.commands)
