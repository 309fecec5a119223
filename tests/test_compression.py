"""gzip of text responses (strategitracker/compression.py) and the opt-in SQL counter (diagnostics.py)."""

import gzip
import re

from strategitracker.diagnostics import HEADER


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


def test_static_files_are_sent_as_they_are(client):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
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
