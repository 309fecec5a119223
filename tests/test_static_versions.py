"""Static files under versioned URLs (static_versions.py): cached for a year, a new URL when they change."""

import hashlib
import re
from pathlib import Path

import pytest
from flask import url_for

from strategitracker.web import static_versions

IMMUTABLE = "public, max-age=31536000, immutable"


def versioned(app, endpoint: str, filename: str) -> str:
    with app.test_request_context():
        return url_for(endpoint, filename=filename)


@pytest.mark.parametrize(
    ("endpoint", "filename"),
    [("static", "css/app.css"), ("static", "js/charts.js"), ("bootstrap.static", "css/bootstrap.min.css")],
)
def test_static_urls_carry_the_hash_of_the_file(app, client, endpoint, filename):
    url = versioned(app, endpoint, filename)
    path, _, version = url.partition("?v=")
    folder = app.static_folder if endpoint == "static" else app.blueprints["bootstrap"].static_folder
    assert version == hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:12]

    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    response.close()
    for stale in (path, f"{path}?v=000000000000", f"{path}?v="):
        response = client.get(stale)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"  # revalidated, as before
        response.close()


def test_pages_link_versioned_files(client):
    html = client.get("/login").get_data(as_text=True)
    assert re.search(r'href="/bootstrap/static/css/bootstrap\.min\.css\?v=[0-9a-f]{12}"', html)
    assert re.search(r'href="/static/css/app\.css\?v=[0-9a-f]{12}"', html)


def test_a_changed_file_gets_a_new_url(app, client, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "site.css").write_text("body { color: black }")
    first = versioned(app, "static", "site.css")
    (tmp_path / "site.css").write_text("body { color: navy }")
    second = versioned(app, "static", "site.css")
    assert first != second
    response = client.get(first)
    assert response.headers["Cache-Control"] == "no-cache"  # the old version's URL is not cached for a year
    response.close()
    response = client.get(second)
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.data == b"body { color: navy }"
    response.close()


def test_missing_files_get_no_version_and_stay_404(app, client):
    assert versioned(app, "static", "css/none.css") == "/static/css/none.css"
    assert versioned(app, "static", "../config.py") == "/static/../config.py"
    assert static_versions.file_version(app, "static", "../../config.py") is None
    assert client.get("/static/css/none.css?v=abc").status_code == 404
