"""plotly.js served from the installed plotly package at a versioned, long-cached, compressed URL."""

import gzip

import plotly
import pytest

from strategitracker import assets

URL = f"/assets/plotly-{plotly.__version__}.min.js"


@pytest.fixture(scope="module")
def package_bytes() -> bytes:
    return assets.plotly_js_path().read_bytes()


def test_the_file_comes_from_the_plotly_package(package_bytes):
    path = assets.plotly_js_path()
    assert path.parts[-3:] == ("plotly", "package_data", "plotly.min.js")
    assert len(package_bytes) > 1_000_000


def test_gzip_when_accepted(client, package_bytes):
    response = client.get(URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert int(response.headers["Content-Length"]) == len(response.data) < len(package_bytes) / 2
    assert gzip.decompress(response.data) == package_bytes


def test_identity_otherwise(client, package_bytes):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, br"}):
        response = client.get(URL, headers=headers)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "Content-Encoding" not in response.headers
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.data == package_bytes


def test_revalidation_gets_304(client):
    first = client.get(URL, headers={"Accept-Encoding": "gzip"})
    again = client.get(URL, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize("version", ["0.0.1", "latest", f"{plotly.__version__}x"])
def test_unknown_version_is_404(client, version):
    assert client.get(f"/assets/plotly-{version}.min.js").status_code == 404


def test_compressed_once_on_first_request(client, monkeypatch, package_bytes):
    monkeypatch.setattr(assets, "_bodies", {})  # as after start-up: nothing read or compressed yet
    calls = []
    real_compress = gzip.compress

    def counting_compress(data, *args, **kwargs):
        calls.append(len(data))
        return real_compress(data, *args, **kwargs)

    monkeypatch.setattr(assets.gzip, "compress", counting_compress)
    for _ in range(3):
        response = client.get(URL, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(response.data) == package_bytes
    assert calls == [len(package_bytes)]


def test_plotly_js_url_template_global(app):
    with app.test_request_context():
        assert app.jinja_env.globals["plotly_js_url"]() == URL
        assert app.jinja_env.from_string('<script src="{{ plotly_js_url() }}"></script>').render() == (
            f'<script src="{URL}"></script>'
        )
