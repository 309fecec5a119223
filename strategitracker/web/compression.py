"""Compression of the app's text responses by Flask-Compress (zstd, Brotli, gzip or deflate, whichever the
browser prefers).

Pages that draw charts carry their data (figure JSON and the data tables) in the HTML, so a goal page is
some 250 KB of text that compresses to about a tenth. Responses under COMPRESS_MIN_SIZE, responses that
already carry a Content-Encoding and types outside COMPRESS_MIMETYPES (PDF, XLSX, images) are sent as
they are. A strong ETag gets the encoding appended, so a compressed body never matches the tag of the
uncompressed one; the weak tags of cached pages (page_cache.py) name the content, not its encoding.

Static files do not come here: WhiteNoise serves them compressed ahead of time (static_files.py).
The settings live in config.py (COMPRESS_*).
"""

from flask import Flask
from flask_compress import Compress

compress = Compress()


def register_compression(app: Flask) -> None:
    """Registered before every other after-request hook, so that it runs last, on the finished response."""
    compress.init_app(app)
