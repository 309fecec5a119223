"""Versioned URLs for static files, so a browser keeps them for a year without asking again.

`url_for("static", filename=…)` and `url_for("bootstrap.static", filename=…)` get `?v=<the file's hash>`.
A request whose `v` is the file's current hash is answered with a one-year immutable cache; without `v`, or
with an old one, the file keeps `no-cache` (revalidated with its ETag). When a file changes, its URL changes,
so nobody keeps an old stylesheet. A repeat visit then fetches the page and nothing else.
"""

from __future__ import annotations

import hashlib
import os
import threading

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

CACHE_CONTROL = "public, max-age=31536000, immutable"
ENDPOINTS = ("static", "bootstrap.static")
HASH_LENGTH = 12

_lock = threading.Lock()
_hashes: dict[tuple[str, int, int], str] = {}  # (path, mtime_ns, size) → hash


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.partition(".")[0])
    return blueprint.static_folder if blueprint is not None else None


def file_version(app: Flask, endpoint: str, filename: str) -> str | None:
    """The short hash of a static file's bytes (kept until the file changes); None where there is no file."""
    folder = _folder(app, endpoint)
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    version = _hashes.get(key)
    if version is None:
        with open(path, "rb") as handle:
            version = hashlib.sha256(handle.read()).hexdigest()[:HASH_LENGTH]
        with _lock:
            _hashes[key] = version
    return version


def register_static_versions(app: Flask) -> None:
    @app.url_defaults
    def _add_version(endpoint: str, values: dict) -> None:
        if endpoint in ENDPOINTS and "filename" in values and "v" not in values:
            version = file_version(current_app, endpoint, values["filename"])
            if version is not None:
                values["v"] = version

    @app.after_request
    def _cache_versioned(response: Response) -> Response:
        if (
            request.endpoint in ENDPOINTS
            and response.status_code in (200, 304)
            and request.args.get("v")
            and request.view_args
            and request.args["v"] == file_version(app, request.endpoint, request.view_args["filename"])
        ):
            response.headers["Cache-Control"] = CACHE_CONTROL
        return response
