"""Trainer pages: course drafts, the markdown editor with preview, publishing and versions.

One blueprint, :data:`bp` (from :mod:`lms.authoring.blueprint`); importing this module imports
the page modules, so every route is registered on it before the app registers the blueprint:

- :mod:`lms.authoring.course_views`: the course list, new and imported drafts, the course page
  and changes to its structure;
- :mod:`lms.authoring.editor_views`: the markdown editor, its preview and the draft's images;
- :mod:`lms.authoring.manage_views`: deleting and renaming modules, items and images;
- :mod:`lms.authoring.live_views`: "Edit" on a live course, and taking over a course
  authored as files;
- :mod:`lms.authoring.publish_views`: publishing, co-authors, versions, diff and zip export.
"""

from __future__ import annotations

from lms.authoring import (
    course_views,
    editor_views,
    live_views,
    manage_views,
    publish_views,
)
from lms.authoring.blueprint import authoring_dirs, bp

# The page modules are listed so importing them (which registers their routes) is not "unused".
__all__ = ["authoring_dirs", "bp", "course_views", "editor_views", "live_views",
           "manage_views", "publish_views"]
