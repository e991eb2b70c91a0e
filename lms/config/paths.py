"""Where the LMS finds its own files: templates, migrations and the shipped courses, in a source
checkout or inside an installed wheel (mapped in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

# The ``lms`` package folder (this module sits in lms/config/).
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def template_dir() -> Path:
    """Where the ``lms/…`` templates live.

    In a source checkout they are the top-level ``templates/`` folder; an installed wheel
    carries the same files as ``lms/_templates`` (mapped in pyproject.toml).
    """
    source = PACKAGE_DIR.parent / "templates"
    return source if (source / "lms").is_dir() else PACKAGE_DIR / "_templates"


def migrations_dir() -> Path:
    """The single Alembic tree; shipped inside the package as ``lms/_migrations`` when installed."""
    source = PACKAGE_DIR.parent / "migrations"
    return source if (source / "env.py").exists() else PACKAGE_DIR / "_migrations"


def shipped_courses_dir() -> Path:
    """The courses that come with the LMS: the top-level ``courses/`` folder of a source
    checkout, ``lms/_courses`` in an installed wheel (mapped in pyproject.toml).

    This absolute folder is the default of ``LMS_COURSE_DIRS``: a default relative to the
    working folder made ``lms courses sync`` from cron or another folder find no course.
    """
    installed = PACKAGE_DIR / "_courses"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "courses"
