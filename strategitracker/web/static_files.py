"""Static files served by WhiteNoise under URLs that name their version, so a browser keeps them for a year.

Four sources: the app's own folder (static/), Bootstrap's stylesheet from the Bootstrap-Flask package,
plotly.js from node_modules or the plotly package (assets.py chooses the bundle) and Swagger UI (for the
API's documentation page) from the flask-swagger-ui package; nothing comes from a CDN
and no third-party file is copied into the repository. When the app starts, each source's files are
copied into STATIC_BUILD_FOLDER/<source>/<version>/ with gzip and Brotli versions beside them
(WhiteNoise's compressor), unless that version is there already (built by another worker or an earlier
start). WhiteNoise answers /<source>/<version>/<file> from there before the request reaches Flask: in the
encoding the browser accepts, `Cache-Control: immutable` for a year, ETag and Last-Modified, ranges.

The version is a hash of the source's files (for plotly.js: its bundle and version), so a changed file gets
a new URL and nobody keeps an old stylesheet. Versions built before stay served, so a page drawn before a
deployment still finds its files. Edits under static/ show after a restart. The plain Flask URLs
(/static/…, /bootstrap/static/…) still answer, without the year-long caching.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from wsgiref.headers import Headers

from flask import Flask, current_app, request, url_for
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .security import security_headers

HASH_LENGTH = 12
BOOTSTRAP_FILES = ("css/bootstrap.min.css", "js/bootstrap.min.js")
#: Where a file that is not among a source's files is looked for instead (a 404 where it is missing).
FALLBACK_ENDPOINTS = {"static": "static", "bootstrap": "bootstrap.static"}


@dataclass(frozen=True)
class Source:
    """Files served under /<name>/<version>/: their folder and their paths in it."""

    name: str
    folder: Path
    files: tuple[str, ...]
    version: str


def content_version(folder: Path, files: tuple[str, ...]) -> str:
    """A short hash of the files' names and bytes: it changes when any of them does."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    return digest.hexdigest()[:HASH_LENGTH]


def folder_source(name: str, folder: Path, files: tuple[str, ...] | None = None) -> Source:
    """The files of `folder` (all of them unless named), versioned by their content."""
    if files is None:
        files = tuple(
            sorted(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.is_file() and not path.name.startswith(".")
            )
        )
    return Source(name, folder, files, content_version(folder, files))


def build(source: Source, build_folder: Path) -> Path:
    """The folder that holds `source`'s files and their compressed versions, made when it is missing.

    Made under a temporary name and renamed when complete, so a worker never serves half a build; when
    two workers build the same version at once, the second rename fails and its copy is dropped.
    """
    target = build_folder / source.name / source.version
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    compressor = Compressor(quiet=True)
    for name in source.files:
        copy = work / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source.folder / name, copy)
        if compressor.should_compress(name):
            compressor.compress(str(copy))
    try:
        work.rename(target)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    return target


def static_url(filename: str, source: str = "static") -> str:
    """The versioned URL of a static file, for templates: `static_url('css/app.css')`,
    `static_url('css/bootstrap.min.css', 'bootstrap')`."""
    served: Source | None = current_app.extensions["static_sources"].get(source)
    if served is not None and filename in served.files:
        return f"{request.script_root}/{served.name}/{served.version}/{filename}"
    return url_for(FALLBACK_ENDPOINTS[source], filename=filename)


def sources(app: Flask) -> list[Source]:
    bundle = app.extensions["plotly_bundle"]
    bootstrap_folder = Path(app.blueprints["bootstrap"].static_folder or "")
    return [
        folder_source("static", Path(app.static_folder or "static")),
        folder_source("bootstrap", bootstrap_folder, BOOTSTRAP_FILES),
        Source("assets", bundle.path.parent, (bundle.path.name,), f"plotly-{bundle.id}"),
        *swagger_ui_sources(),
    ]


SWAGGER_UI_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")


def swagger_ui_sources() -> list[Source]:
    """Swagger UI for the API's documentation page, from the flask-swagger-ui package's copy of it."""
    spec = importlib.util.find_spec("flask_swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "dist"
    version = (folder / "VERSION").read_text(encoding="utf-8").strip()
    return [Source("swagger-ui", folder, SWAGGER_UI_FILES, f"swagger-ui-{version}")]


def register_static_files(app: Flask) -> None:
    """Build the current versions and put WhiteNoise in front of the app for every version built."""
    build_folder = Path(app.config.get("STATIC_BUILD_FOLDER") or Path(app.instance_path) / "static-build")
    headers = security_headers(app)

    def add_headers(found: Headers, _path: str, _url: str) -> None:
        for name, value in headers.items():
            found[name] = value

    middleware = WhiteNoise(
        app.wsgi_app,
        max_age=None,
        allow_all_origins=False,
        immutable_file_test=lambda _path, _url: True,  # every URL it answers names a version
        add_headers_function=add_headers,
    )
    current = {source.name: source for source in sources(app)}
    for source in current.values():
        build(source, build_folder)
        for version in sorted((build_folder / source.name).iterdir()):
            if version.is_dir() and not version.name.startswith("."):
                middleware.add_files(str(version), prefix=f"{source.name}/{version.name}/")
    app.extensions["static_sources"] = current
    app.wsgi_app = middleware  # type: ignore[method-assign]
    app.add_template_global(static_url, "static_url")
