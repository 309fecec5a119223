"""plotly.js served from the installed `plotly` package, so no page needs a CDN or a committed copy.

The URL carries plotly's version (/assets/plotly-7.1.0.min.js): the file behind a URL never changes, so it is
cached for a year as immutable, and upgrading plotly changes the URL. The body is gzip-compressed when
the browser accepts it; the file is read and compressed once, on the first request that needs it (not at
start-up), and the bytes are kept in memory.
"""

from __future__ import annotations

import gzip
import importlib.util
import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, request, url_for

bp = Blueprint("assets", __name__, url_prefix="/assets")

CACHE_CONTROL = "public, max-age=31536000, immutable"
JS_MIMETYPE = "text/javascript"

_lock = threading.Lock()
_bodies: dict[str, bytes] = {}  # "identity" / "gzip" → bytes, filled on first use


def plotly_version() -> str:
    import plotly

    return plotly.__version__


def plotly_js_path() -> Path:
    """plotly/package_data/plotly.min.js of the installed package (found without importing plotly)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def _body(encoding: str) -> bytes:
    body = _bodies.get(encoding)
    if body is not None:
        return body
    with _lock:
        if encoding not in _bodies:  # another thread may have filled it while we waited
            raw = _bodies.get("identity")
            if raw is None:
                raw = _bodies["identity"] = plotly_js_path().read_bytes()
            if encoding == "gzip":
                _bodies["gzip"] = gzip.compress(raw, compresslevel=9, mtime=0)
        return _bodies[encoding]


@bp.get("/plotly-<version>.min.js")
def plotly_js(version: str) -> Response:
    if version != plotly_version():
        abort(404)
    encoding = "gzip" if request.accept_encodings["gzip"] > 0 else "identity"
    response = Response(_body(encoding), mimetype=JS_MIMETYPE)
    if encoding == "gzip":
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept-Encoding")
    response.set_etag(f"plotly-{version}-{encoding}")
    return response.make_conditional(request)


def plotly_js_url() -> str:
    """The versioned URL of plotly.js, for `<script src="{{ plotly_js_url() }}">` in templates."""
    return url_for("assets.plotly_js", version=plotly_version())


def register_assets(app: Flask) -> None:
    """Make `plotly_js_url()` available in every template (the blueprint is registered with the others)."""
    app.add_template_global(plotly_js_url, "plotly_js_url")
