"""Compression of the app's text responses by Flask-Compress (zstd, Brotli, gzip or deflate, whichever the
browser prefers).

Pages that draw charts carry their data (figure JSON and the data tables) in the HTML, so a goal page is
some 250 KB of text that compresses to about a tenth. Responses under COMPRESS_MIN_SIZE, responses that
already carry a Content-Encoding and types outside COMPRESS_MIMETYPES (PDF, XLSX, images) are sent as
they are. A strong ETag gets the encoding appended, so a compressed body never matches the tag of the
uncompressed one; the weak tags of cached pages (page_cache.py) name the content, not its encoding.

A page with such a tag is the same page for every request that gets the tag (the tag names the data
version, the reader, the session and the address), so Flask-Compress keeps its compressed body (the
library's cache, in `compressed_pages`) under the tag and the encoding, and `kept()` answers the next view
with it before anything is drawn: the council report's 650 KB took 3 ms of Brotli and 2 ms of drawing the
page around its cached part on every view. Every other response is compressed each time.

Static files do not come here: WhiteNoise serves them compressed ahead of time (static_files.py).
The settings live in config.py (COMPRESS_*, COMPRESSED_PAGES_THRESHOLD).
"""

from flask import Flask, Request, Response, current_app, g, request
from flask_compress import Compress

from ..extensions import compressed_pages

compress = Compress()

#: The cache key of a response without a page tag: never kept.
_UNTAGGED = "-"


def register_compression(app: Flask) -> None:
    """Registered before every other after-request hook, so that it runs last, on the finished response."""
    compressed_pages.init_app(
        app,
        config={
            "CACHE_THRESHOLD": app.config["COMPRESSED_PAGES_THRESHOLD"],
            "CACHE_KEY_PREFIX": "compressed_page:",
        },
    )
    app.config["COMPRESS_CACHE_KEY"] = _key
    app.config["COMPRESS_CACHE_BACKEND"] = CompressedPages
    compress.init_app(app)


def keep_under(tag: str) -> None:
    """This request's page is the page every request with `tag` gets: keep its compressed body."""
    g.compressed_page_tag = tag


def kept(tag: str) -> Response | None:
    """The page kept under `tag`, compressed in the encoding the browser prefers, or None when it is not
    kept in that encoding (or the browser takes none). Werkzeug reads Accept-Encoding as Flask-Compress
    does (quality first, then COMPRESS_ALGORITHM's order); were they to differ, the page is drawn."""
    encoding = request.accept_encodings.best_match(current_app.config["COMPRESS_ALGORITHM"])
    body = compressed_pages.get(f"{encoding};{tag}") if encoding else None
    if body is None:
        return None
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Encoding"] = encoding  # Flask-Compress adds Vary and leaves the body be
    return response


def _key(request: Request) -> str:
    """Flask-Compress puts the encoding in front: "br;<tag>"."""
    return g.get("compressed_page_tag") or _UNTAGGED


class CompressedPages:
    """Flask-Compress's cache backend over `compressed_pages`. Flask-Compress asks for every response it
    compresses; an untagged one is neither looked up nor kept."""

    def get(self, key: str) -> bytes | None:
        return None if _untagged(key) else compressed_pages.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not _untagged(key):
            compressed_pages.set(key, value)


def _untagged(key: str) -> bool:
    return key.endswith(f";{_UNTAGGED}")
