"""gzip for the app's own text responses (HTML pages, JSON, CSV …) when the browser accepts it.

Pages that draw charts carry their data (figure JSON and the data tables) in the HTML, so a goal page is
some 250 KB of text that compresses to about a tenth. Files are left alone: plotly.js is compressed once by
assets.py, and static files are sent as they are (revalidated, so a repeat load costs a 304).
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_BYTES = 1024
LEVEL = 6  # ~2 ms for a 250 KB page; level 9 is 4× slower for 4 % less
MIMETYPES = {
    "text/html",
    "text/plain",
    "text/css",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
}


def register_compression(app: Flask) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        if (
            response.direct_passthrough  # files (send_file / static): left as they are
            or response.is_streamed
            or response.status_code < 200
            or response.status_code in (204, 206, 304)
            or "Content-Encoding" in response.headers
            or response.mimetype not in MIMETYPES
        ):
            return response
        response.vary.add("Accept-Encoding")
        if request.accept_encodings["gzip"] <= 0:
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        if response.headers.get("ETag"):  # a different body needs a different tag
            response.headers["ETag"] = response.headers["ETag"].rstrip('"') + '-gzip"'
        return response
