"""plotly.js served from an installed package at a versioned, long-cached, compressed URL."""

import gzip
import json
import re

import brotli
import plotly
import pytest

from config import TestingConfig
from strategitracker import create_app
from strategitracker.web import assets


@pytest.fixture(scope="module")
def bundle(app) -> assets.Bundle:
    return app.extensions["plotly_bundle"]


@pytest.fixture(scope="module")
def url(bundle) -> str:
    return f"/assets/plotly-{bundle.name}-{bundle.version}/{bundle.path.name}"


@pytest.fixture(scope="module")
def bundle_bytes(bundle) -> bytes:
    return bundle.path.read_bytes()


def fake_basic_package(root, version="9.9.9", body=b"/* plotly basic */"):
    package = root / assets.BASIC_PACKAGE
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": assets.BASIC_PACKAGE, "version": version}))
    (package / assets.BASIC_FILE).write_bytes(body)
    return package


def test_the_installed_basic_bundle_is_served(bundle, bundle_bytes):
    """package.json's plotly.js-basic-dist-min, installed by npm (`make run`, `make test`), is in use."""
    assert bundle.name == "basic"
    assert bundle.path.parts[-3:] == ("node_modules", assets.BASIC_PACKAGE, assets.BASIC_FILE)
    assert 500_000 < len(bundle_bytes) < 2_000_000


def test_basic_bundle_found_with_its_version(tmp_path):
    package = fake_basic_package(tmp_path, version="4.1.1")
    found = assets.find_bundle(tmp_path)
    assert found == assets.Bundle("basic", "4.1.1", package / assets.BASIC_FILE)
    assert found.id == "basic-4.1.1"


@pytest.mark.parametrize(
    "broken",
    ["no package", "no file", "bad package.json", "no version"],
)
def test_full_bundle_of_the_python_package_otherwise(tmp_path, broken):
    if broken != "no package":
        package = fake_basic_package(tmp_path)
        if broken == "no file":
            (package / assets.BASIC_FILE).unlink()
        elif broken == "bad package.json":
            (package / "package.json").write_text("{not json")
        else:
            (package / "package.json").write_text(json.dumps({"name": assets.BASIC_PACKAGE}))
    found = assets.find_bundle(tmp_path)
    assert found.name == "full"
    assert found.version == plotly.__version__
    assert found.path.parts[-3:] == ("plotly", "package_data", "plotly.min.js")
    assert found.path.stat().st_size > 3_000_000


def test_without_npm_the_pages_use_the_full_bundle(tmp_path):
    class NoNpm(TestingConfig):
        NODE_MODULES = str(tmp_path / "node_modules")

    other = create_app(NoNpm)
    full_url = f"/assets/plotly-full-{plotly.__version__}/plotly.min.js"
    with other.test_request_context():
        assert other.jinja_env.globals["plotly_js_url"]() == full_url
    response = other.test_client().get(full_url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert gzip.decompress(response.data) == assets.plotly_js_path().read_bytes()


def kept_for_a_year(response) -> bool:
    cache_control = response.headers["Cache-Control"]
    return "immutable" in cache_control and int(re.search(r"max-age=(\d+)", cache_control)[1]) >= 31_536_000


def test_compressed_when_accepted(client, url, bundle_bytes):
    for accepted, encoding, decompress in (
        ("gzip, deflate", "gzip", gzip.decompress),
        ("gzip, br", "br", brotli.decompress),
    ):
        response = client.get(url, headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert kept_for_a_year(response)
        assert int(response.headers["Content-Length"]) == len(response.data) < len(bundle_bytes) / 2
        assert decompress(response.data) == bundle_bytes
        response.close()


def test_identity_otherwise(client, url, bundle_bytes):
    for headers in ({}, {"Accept-Encoding": "identity"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "Content-Encoding" not in response.headers
        assert "Accept-Encoding" in response.headers["Vary"]
        assert kept_for_a_year(response)
        assert response.data == bundle_bytes
        response.close()


def test_revalidation_gets_304(client, url):
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    first.close()


@pytest.mark.parametrize(
    "bundle_id",
    ["basic-0.0.1", "latest", f"full-{plotly.__version__}", "basic-4.1.1x", "basic"],
)
def test_unknown_or_unused_bundle_is_404(client, bundle, bundle_id):
    assert bundle_id != bundle.id
    assert client.get(f"/assets/plotly-{bundle_id}/{bundle.path.name}").status_code == 404
    assert client.get(f"/assets/plotly-{bundle_id}.min.js").status_code == 404


def test_plotly_js_url_template_global(app, url):
    with app.test_request_context():
        assert app.jinja_env.globals["plotly_js_url"]() == url
        assert app.jinja_env.from_string('<script src="{{ plotly_js_url() }}"></script>').render() == (
            f'<script src="{url}"></script>'
        )
