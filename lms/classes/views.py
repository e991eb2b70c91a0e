"""Teacher pages under ``/teach/classes/`` and the student's ``/join`` page.

One blueprint, :data:`bp` (from :mod:`lms.classes.blueprint`); importing this module imports
the page modules, so every route is registered on it before the app registers the blueprint:

- :mod:`lms.classes.teacher_views`: the class list, a new class, students, code, accounts;
- :mod:`lms.classes.assignment_views`: assigning courses and modules with due dates;
- :mod:`lms.classes.dashboard_views`: the progress dashboard, module and student pages, CSV;
- :mod:`lms.classes.join_views`: students joining a class by code or link.
"""

from __future__ import annotations

from lms.classes import assignment_views, dashboard_views, join_views, teacher_views
from lms.classes.blueprint import bp

# The page modules are listed so importing them (which registers their routes) is not "unused".
__all__ = ["assignment_views", "bp", "dashboard_views", "join_views", "teacher_views"]
