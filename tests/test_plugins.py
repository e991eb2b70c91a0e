"""Course packages published by installed distributions (the ``lms.courses`` entry points)."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.conftest import SAMPLE_COURSES


def sample_courses() -> Path:
    """What a plugin's entry point returns: a folder of course packages."""
    return SAMPLE_COURSES


@pytest.fixture
def course_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = EntryPoint(name="sample", value="tests.test_plugins:sample_courses",
                       group="lms.courses")

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return [entry] if group == "lms.courses" else []

    monkeypatch.setattr("lms.plugins.entry_points", fake_entry_points)


def test_entry_point_courses_are_checked_and_synced(
    app: Flask, runner: FlaskCliRunner, course_entry_point: None, tmp_path: Path
) -> None:
    app.extensions["lms"].course_dirs = []
    check = runner.invoke(args=["courses", "check"])
    assert check.exit_code == 0, check.output
    sync = runner.invoke(args=["courses", "sync"])
    assert "added: sample-course" in sync.output
    assert app.test_client().get("/courses/sample-course/").status_code == 200


def test_entry_point_that_is_not_a_folder_is_ignored(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    from lms.plugins import entry_point_course_dirs

    entry = EntryPoint(name="broken", value="tests.test_plugins:not_a_folder", group="lms.courses")
    monkeypatch.setattr("lms.plugins.entry_points", lambda *, group: [entry])
    assert entry_point_course_dirs() == []
    assert "is not a folder" in caplog.text


def not_a_folder() -> str:
    return "/no/such/folder"
