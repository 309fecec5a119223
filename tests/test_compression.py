"""gzip of text responses (strategitracker/compression.py) and the opt-in SQL counter (diagnostics.py)."""

import gzip
import re
from collections import OrderedDict

import pytest

from strategitracker.web import compression
from strategitracker.web.diagnostics import HEADER


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=|content=)"[^"]*"', r"\1", html)


def test_html_is_gzipped_when_accepted(client):
    plain = client.get("/login")
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers.get("Vary", "")

    packed = client.get("/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    # the same page (CSRF tokens carry a timestamp, so they may differ between the two requests)
    assert _without_tokens(gzip.decompress(packed.data).decode()) == _without_tokens(
        plain.get_data(as_text=True)
    )


def test_small_responses_are_not_gzipped(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["status"] == "ok"


BOOTSTRAP_CSS = "/bootstrap/static/css/bootstrap.min.css"


def _file_bytes(app, path: str) -> bytes:
    response = app.test_client().get(path)
    data = response.data
    response.close()
    return data


@pytest.mark.parametrize("path", [BOOTSTRAP_CSS, "/static/css/app.css", "/static/js/charts.js"])
def test_static_files_are_gzipped_and_revalidate(app, client, path):
    original = _file_bytes(app, path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Accept-Ranges" not in packed.headers
    assert packed.headers["Cache-Control"] == "no-cache"
    assert gzip.decompress(packed.data) == original
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(original)
    tag = packed.headers["ETag"]
    assert tag.endswith('-gzip"')

    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag

    # a browser without gzip gets the file itself, with the file's own tag, which revalidates too
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    assert plain.data == original
    assert plain.headers["ETag"] != tag
    assert client.get(path, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    # … and a compressed tag does not match the uncompressed body
    stale = client.get(path, headers={"If-None-Match": tag})
    assert stale.status_code == 200 and stale.data == original
    plain.close()
    stale.close()


def test_a_static_file_is_compressed_once(client, monkeypatch):
    monkeypatch.setattr(compression, "_files", OrderedDict())
    calls = []
    real_compress = gzip.compress

    def counting_compress(data, *args, **kwargs):
        calls.append(len(data))
        return real_compress(data, *args, **kwargs)

    monkeypatch.setattr(compression.gzip, "compress", counting_compress)
    bodies = {client.get(BOOTSTRAP_CSS, headers={"Accept-Encoding": "gzip"}).data for _ in range(3)}
    assert len(bodies) == 1 and len(calls) == 1


def test_the_file_cache_is_bounded(client, monkeypatch):
    monkeypatch.setattr(compression, "_files", OrderedDict())
    monkeypatch.setattr(compression, "MAX_CACHED_FILES", 2)
    for path in (BOOTSTRAP_CSS, "/static/css/app.css", "/static/js/charts.js"):
        assert client.get(path, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    assert [path for path, _tag in compression._files] == ["/static/css/app.css", "/static/js/charts.js"]


def test_a_range_request_gets_the_uncompressed_bytes(client):
    response = client.get(BOOTSTRAP_CSS, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.data) == 100
    response.close()


def test_sql_counter_is_off_by_default(client):
    assert HEADER not in client.get("/healthz").headers


def test_sql_counter_counts_statements_when_switched_on(monkeypatch):
    from strategitracker import create_app

    monkeypatch.setenv("BENCH_COUNT_SQL", "1")
    app = create_app("config.TestingConfig")  # a second app, on the test database's URL
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert int(response.headers[HEADER]) >= 1  # SELECT 1 (and on SQLite the BEGIN)
    assert float(response.headers["X-CPU-ms"]) >= 0
