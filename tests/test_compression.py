"""Compressed responses (web/compression.py: Flask-Compress for pages; web/static_files.py: WhiteNoise
for static files, compressed ahead of time) and the opt-in SQL counter (diagnostics.py)."""

import gzip
from pathlib import Path

import brotli
import pytest
from flask import Flask

from strategitracker.web.diagnostics import HEADER
from tests import factories
from tests.support import without_csrf_tokens


def test_html_is_gzipped_when_accepted(client):
    plain = client.get("/login")
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers.get("Vary", "")

    packed = client.get("/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    # the same page (CSRF tokens carry a timestamp, so they may differ between the two requests)
    assert without_csrf_tokens(gzip.decompress(packed.data).decode()) == without_csrf_tokens(
        plain.get_data(as_text=True)
    )


def test_the_browsers_preferred_encoding_is_used(client):
    packed = client.get("/login", headers={"Accept-Encoding": "gzip;q=0.5, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert 'name="csrf_token"' in brotli.decompress(packed.data).decode()


def test_small_responses_are_not_gzipped(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["status"] == "ok"


def test_already_compressed_files_are_sent_as_they_are(client, login, org):
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    factories.goal(strategy, title="Flere arbejdspladser")
    login("viewer")
    response = client.get(
        f"/o/{org.slug}/strategies/{strategy.id}/report.xlsx", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data[:2] == b"PK"  # the workbook's own zip


# --- static files -------------------------------------------------------------------------------------------

STATIC_FILES = [("css/bootstrap.min.css", "bootstrap"), ("css/app.css", "static"), ("js/charts.js", "static")]


def static_path(app: Flask, filename: str, source: str) -> str:
    with app.test_request_context():
        return app.jinja_env.globals["static_url"](filename, source)


def source_file(app: Flask, filename: str, source: str) -> Path:
    folder = app.static_folder if source == "static" else app.blueprints["bootstrap"].static_folder
    return Path(folder or "") / filename


@pytest.mark.parametrize(("filename", "source"), STATIC_FILES)
def test_static_files_are_compressed_and_revalidate(app, client, filename, source):
    path = static_path(app, filename, source)
    original = source_file(app, filename, source).read_bytes()
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == original
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(original)
    tag = packed.headers["ETag"]

    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""

    smaller = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert smaller.headers["Content-Encoding"] == "br"
    assert brotli.decompress(smaller.data) == original

    # a browser without compression gets the file itself
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    assert plain.data == original
    for response in (packed, again, smaller, plain):
        response.close()


def test_a_static_file_is_compressed_once_ahead_of_time(app, client):
    """The compressed bodies lie beside the copy that is served, made when the app started."""
    path = static_path(app, "css/bootstrap.min.css", "bootstrap")
    built = Path(app.instance_path) / "static-build" / path.lstrip("/")
    assert built.with_name(built.name + ".gz").is_file() and built.with_name(built.name + ".br").is_file()
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.data == built.with_name(built.name + ".gz").read_bytes()
    response.close()


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_range_request_gets_the_bytes_of_the_encoding_it_names(app, client, encoding):
    path = static_path(app, "css/bootstrap.min.css", "bootstrap")
    whole = client.get(path, headers={"Accept-Encoding": encoding})
    response = client.get(path, headers={"Accept-Encoding": encoding, "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers.get("Content-Encoding", "identity") == whole.headers.get(
        "Content-Encoding", "identity"
    )
    assert response.headers["Content-Range"] == f"bytes 0-99/{len(whole.data)}"
    assert response.data == whole.data[:100]
    whole.close()
    response.close()


# --- the SQL counter ----------------------------------------------------------------------------------------


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
