"""Plugin registries: question types and course packages from entry points."""

from __future__ import annotations

import logging
from functools import cache
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)


@cache
def _installed_entry_points() -> metadata.EntryPoints:
    # Reading every installed distribution's metadata takes tens of milliseconds; question
    # types and course packages share one reading per process.
    return metadata.entry_points()


def entry_points(*, group: str) -> metadata.EntryPoints:
    """The installed entry points of ``group`` (read once per process)."""
    return _installed_entry_points().select(group=group)


def entry_point_course_dirs() -> list[Path]:
    """Course package folders published by installed distributions (group ``lms.courses``).

    Each entry point names a callable returning a directory, e.g. one made with
    ``importlib.resources.files(__package__) / "courses"``.
    """
    dirs = []
    for entry_point in entry_points(group="lms.courses"):
        path = Path(str(entry_point.load()()))
        if path.is_dir():
            dirs.append(path)
        else:
            log.warning("course entry point %s gave %s, which is not a folder",
                        entry_point.name, path)
    return dirs


def authored_course_dirs(instance_path: str) -> list[Path]:
    """The folder holding courses published from the browser (``lms.authoring``), when any
    course was published: ``<instance>/authoring/published/<slug>/``."""
    path = Path(instance_path) / "authoring" / "published"
    return [path] if path.is_dir() else []
