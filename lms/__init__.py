"""A light, accessible learning platform for global citizenship education.

``create_app()`` builds the standalone site; ``LMS().init_app(app, url_prefix=…)`` mounts
the LMS into an existing Flask application.
"""

from lms.app import create_app
from lms.extension import LMS

__all__ = ["LMS", "create_app"]
