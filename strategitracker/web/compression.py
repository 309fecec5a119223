"""gzip for text responses (HTML pages, JSON, CSV, the app's and Bootstrap's CSS and JS) when the browser
accepts it.

Pages that draw charts carry their data (figure JSON and the data tables) in the HTML, so a goal page is
some 250 KB of text that compresses to about a tenth. Static files are compressed once per version of the
file (its ETag) and the result is kept in memory: bootstrap.min.css goes from 232 KB to 31 KB on the wire.
A file keeps its caching (static_versions.py) and its revalidation: the compressed body has its own ETag
(`…-gzip`), and a browser that sends it back gets a 304. plotly.js is compressed by assets.py.

A page that holds cached parts (page_cache.py) is compressed around them: each part is kept compressed on
its own, ending on a byte boundary, so the page's deflate stream is the compressed text before it, the
part as kept, and the compressed text after it, in one gzip member with the CRC of the whole page. Only
the few KB of navigation and header around a goal page's charts are compressed per request.
"""

from __future__ import annotations

import gzip
import struct
import threading
import zlib
from collections import OrderedDict

from flask import Flask, Response, g, request

MIN_BYTES = 1024
LEVEL = 6  # ~2 ms for a 250 KB page; level 9 is 4× slower for 4 % less
FILE_LEVEL = 9  # static files are compressed once, so the smallest result is worth the time
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_CACHED_FILES = 64
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

_lock = threading.Lock()
_files: OrderedDict[tuple[str, str], bytes] = OrderedDict()  # (path, ETag) → gzip body, least recent first


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS


def deflate(text: str) -> bytes:
    """`text` as raw deflate data that ends on a byte boundary and refers to nothing before it, so it can
    stand anywhere in a deflate stream (`gzip_around`)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(text.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)


def gzip_around(body: bytes, parts: list[tuple[bytes, bytes]]) -> bytes:
    """gzip of `body`, which holds each (text, deflated text) of `parts`, reusing their compressed form.

    A part that is not in the body (after the previous one) is compressed with the rest.
    """
    chunks = [GZIP_HEADER]
    position = 0
    for text, deflated in parts:
        start = body.find(text, position) if text else -1
        if start < 0:
            continue
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        chunks += [compressor.compress(body[position:start]), compressor.flush(zlib.Z_SYNC_FLUSH), deflated]
        position = start + len(text)
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunks += [compressor.compress(body[position:]), compressor.flush(zlib.Z_FINISH)]
    chunks.append(struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF))
    return b"".join(chunks)


def _gzip_etag(etag: str) -> str:
    return etag + "-gzip"


def _compressed_file(response: Response, key: tuple[str, str]) -> bytes:
    """The gzip body of a static file, compressed on its first request and kept (a bounded LRU)."""
    with _lock:
        body = _files.get(key)
        if body is not None:
            _files.move_to_end(key)
            return body
    response.direct_passthrough = False
    body = gzip.compress(response.get_data(), compresslevel=FILE_LEVEL, mtime=0)
    with _lock:
        _files[key] = body
        while len(_files) > MAX_CACHED_FILES:
            _files.popitem(last=False)
    return body


def _file_response(response: Response) -> Response:
    """A static file (send_file): compressed, with its own ETag; 304 when the browser has that version."""
    etag, weak = response.get_etag()
    length = response.content_length
    if response.status_code != 200 or etag is None or weak or length is None or length > MAX_FILE_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0 or length < MIN_BYTES:
        return response
    tag = _gzip_etag(etag)
    response.headers.pop("Accept-Ranges", None)  # ranges would refer to the uncompressed file
    if request.if_none_match.contains(tag):
        response.close()
        response.direct_passthrough = False
        response.response = []
        response.status_code = 304
        for header in ("Content-Length", "Content-Disposition", "Content-Type"):
            response.headers.pop(header, None)
        response.set_etag(tag)
        return response
    body = _compressed_file(response, (request.path, etag))
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.set_etag(tag)
    return response


def register_compression(app: Flask) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        fragments = g.pop("page_fragments", None)
        if (
            response.is_streamed
            and not response.direct_passthrough
            or response.status_code < 200
            or response.status_code in (204, 206, 304)
            or "Content-Encoding" in response.headers
            or response.mimetype not in MIMETYPES
        ):
            return response
        if response.direct_passthrough:  # files: send_file / static
            return _file_response(response)
        response.vary.add("Accept-Encoding")
        if request.accept_encodings["gzip"] <= 0:
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        if fragments:
            parts = [(part.html.encode(), part.deflated) for part in fragments]
            response.set_data(gzip_around(body, parts))
        else:
            response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        if response.headers.get("ETag"):  # a different body needs a different tag
            response.headers["ETag"] = response.headers["ETag"].rstrip('"') + '-gzip"'
        return response
