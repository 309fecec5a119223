"""plotly.js served from an installed package, so no page needs a CDN or a committed copy.

Two bundles can serve the charts. The app draws only scatter and bar traces, so it prefers plotly.js's
*basic* bundle (scatter, bar, pie: 395 KB gzipped), which npm installs from package.json into
`node_modules/plotly.js-basic-dist-min`. Where npm has not run, it falls back to the full bundle that the
Python `plotly` package ships (1.47 MB gzipped): the charts look the same, the first load is heavier.

The URL names the bundle and its version (/assets/plotly-basic-4.1.1/plotly-basic.min.js): the file behind
a URL never changes, so it is cached for a year as immutable, and upgrading the package changes the URL.
static_files.py serves it, compressed ahead of time, like the app's own static files.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from ..charts import chart_table_body, figure_json
from .page_cache import tables_open, tables_open_url
from .static_files import static_url

BASIC_PACKAGE = "plotly.js-basic-dist-min"
BASIC_FILE = "plotly-basic.min.js"


@dataclass(frozen=True)
class Bundle:
    """One plotly.js file: which bundle it is, its version and where it lies."""

    name: str  # "basic" or "full"
    version: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.name}-{self.version}"


def plotly_version() -> str:
    import plotly

    return plotly.__version__


def plotly_js_path() -> Path:
    """plotly/package_data/plotly.min.js of the installed Python package (found without importing plotly)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def basic_bundle(node_modules: Path) -> Bundle | None:
    """npm's plotly.js-basic-dist-min under `node_modules`, or None where it is not installed."""
    package = node_modules / BASIC_PACKAGE
    path = package / BASIC_FILE
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return Bundle("basic", str(version), path) if path.is_file() else None


def find_bundle(node_modules: Path) -> Bundle:
    """The basic bundle when npm installed it, else the full bundle of the Python package."""
    return basic_bundle(node_modules) or Bundle("full", plotly_version(), plotly_js_path())


def current_bundle() -> Bundle:
    return current_app.extensions["plotly_bundle"]


def plotly_js_url() -> str:
    """The versioned URL of plotly.js, for `<script src="{{ plotly_js_url() }}">` in templates."""
    return static_url(current_bundle().path.name, "assets")


def register_assets(app: Flask) -> None:
    """Choose the plotly.js bundle once and make `plotly_js_url()` (and `chart_table_body()`,
    `figure_json()`, `tables_open()` and `tables_open_url()`, which templates/charts/_chart.html writes its
    tables and figures with) available in every template."""
    bundle = find_bundle(Path(app.config["NODE_MODULES"]))
    app.extensions["plotly_bundle"] = bundle
    app.logger.debug("plotly.js: the %s bundle, %s", bundle.id, bundle.path)
    app.add_template_global(plotly_js_url, "plotly_js_url")
    app.add_template_global(chart_table_body, "chart_table_body")
    app.add_template_global(figure_json, "figure_json")
    app.add_template_global(tables_open, "tables_open")
    app.add_template_global(tables_open_url, "tables_open_url")
