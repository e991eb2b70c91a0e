"""Compressed LMS responses through Flask-Compress: brotli or gzip, as the browser asks.

A lesson page shrinks to about a quarter: this is what keeps the first load of a lesson under
50 KB on a slow phone connection. Done here rather than only in the reverse proxy because the
common set-ups compress too little by default (nginx's stock gzip covers text/html only,
gunicorn alone covers nothing). A proxy (or a host's own Flask-Compress) that compresses sees
``Content-Encoding`` and leaves the body alone; ``LMS_COMPRESS = False`` leaves it all to the
proxy. Only the LMS's own responses are touched, never a host application's pages.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_compress import Compress, DictCache
from werkzeug.wrappers import Response

from lms.static_files import is_lms_static

#: Brotli first: about a fifth smaller than gzip on a lesson page; every current browser
#: offers it over HTTPS. gzip for the rest (and plain HTTP, where browsers do not offer br).
ALGORITHMS = ("br", "gzip")
#: Text worth compressing; images (PNG, JPEG, PDF) are compressed already.
COMPRESSIBLE = frozenset({"text/html", "text/css", "text/plain", "text/csv", "text/javascript",
                          "application/javascript", "application/json", "image/svg+xml"})


class LMSCompression:
    """Two Flask-Compress instances: one for pages (compressed per response, they differ per
    user), one for the LMS's static files, whose compressed bytes are kept in memory per
    algorithm and file version, so each is compressed once per worker."""

    def __init__(self, app: Flask) -> None:
        # Flask-Compress would register itself for every response of the app, a host's pages
        # too; the LMS calls it from its own hook instead. A host's setting is restored for
        # a Flask-Compress of its own.
        had_setting = "COMPRESS_REGISTER" in app.config
        register = app.config.get("COMPRESS_REGISTER")
        app.config["COMPRESS_REGISTER"] = False
        try:
            self.pages, self.files = Compress(), Compress()
            self.pages.init_app(app)
            self.files.init_app(app)
        finally:
            if had_setting:
                app.config["COMPRESS_REGISTER"] = register
            else:
                del app.config["COMPRESS_REGISTER"]
        for compress in (self.pages, self.files):
            compress.enabled_algorithms = ALGORITHMS
            compress.compress_mimetypes_set = set(COMPRESSIBLE)
        self.files.cache = DictCache()
        self.files.cache_key = _file_version
        app.after_request(self.after_request)

    def after_request(self, response: Response) -> Response:
        if not current_app.config.get("LMS_COMPRESS", True) or not served_by_lms():
            return response
        if response.status_code == 206 or response.mimetype not in COMPRESSIBLE:
            return response  # a range of a file; or bytes that are compressed already
        if response.is_streamed:
            if not response.direct_passthrough:
                # A generator streams on purpose (an export); holding it back to compress
                # it would undo that. Left as it comes, like before Flask-Compress.
                return response
            # A file (static, course media): small, read into memory to be compressed.
            response.direct_passthrough = False
            response.get_data()
        if is_lms_static() and response.status_code == 200:
            g.lms_file_version = response.get_etag()[0] or response.get_data()
            return self.files.after_request(response)
        return self.pages.after_request(response)


def _file_version(_request: object) -> str:
    # The file's ETag (or content) keys the cache, so a file changed in debug mode is
    # compressed again instead of served stale.
    return f"{request.path};{g.lms_file_version!r}"


def served_by_lms() -> bool:
    """An LMS page, or anything at all on the standalone site (its static files and 404s
    belong to no blueprint); a host application's own pages are left alone."""
    return "lms" in request.blueprints or current_app.extensions["lms"].standalone
