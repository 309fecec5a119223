"""Static files under versioned URLs (web/static_files.py): cached for a year, a new URL when they change."""

import re
from pathlib import Path

import pytest
from flask import Flask

from config import TestingConfig
from strategitracker import create_app
from strategitracker.web import static_files

YEAR = 31_536_000


def versioned(app: Flask, filename: str, source: str = "static") -> str:
    with app.test_request_context():
        return static_files.static_url(filename, source)


def assert_immutable(response) -> None:
    cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control)[1]) >= YEAR


@pytest.mark.parametrize(
    ("source", "filename", "plain"),
    [
        ("static", "css/app.css", "/static/css/app.css"),
        ("static", "js/charts.js", "/static/js/charts.js"),
        ("bootstrap", "css/bootstrap.min.css", "/bootstrap/static/css/bootstrap.min.css"),
    ],
)
def test_static_urls_name_the_version_and_are_kept_for_a_year(app, client, source, filename, plain):
    url = versioned(app, filename, source)
    assert re.fullmatch(rf"/{source}/[0-9a-f]{{12}}/{re.escape(filename)}", url)

    response = client.get(url)
    assert response.status_code == 200
    assert_immutable(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    # the plain URL still answers, revalidated as before
    for stale in (plain, f"/{source}/000000000000/{filename}"):
        response = client.get(stale)
        assert response.status_code == (200 if stale == plain else 404)
        if stale == plain:
            assert response.headers["Cache-Control"] == "no-cache"
        response.close()


def test_pages_link_versioned_files(client):
    html = client.get("/login").get_data(as_text=True)
    assert re.search(r'href="/bootstrap/[0-9a-f]{12}/css/bootstrap\.min\.css"', html)
    assert re.search(r'href="/static/[0-9a-f]{12}/css/app\.css"', html)


def app_over(folder: Path, build: Path) -> Flask:
    class Config(TestingConfig):
        STATIC_BUILD_FOLDER = str(build)

    made = create_app(Config)
    made.static_folder = str(folder)
    static_files.register_static_files(made)  # as at start-up, over `folder`
    return made


def test_a_changed_file_gets_a_new_url_and_the_old_one_keeps_its_bytes(tmp_path):
    folder, build = tmp_path / "static", tmp_path / "build"
    folder.mkdir()
    (folder / "site.css").write_text("body { color: black }")
    before = app_over(folder, build)
    first = versioned(before, "site.css")
    (folder / "site.css").write_text("body { color: navy }")
    after = app_over(folder, build)  # the next start
    second = versioned(after, "site.css")
    assert first != second
    client = after.test_client()
    for url, body in ((first, b"body { color: black }"), (second, b"body { color: navy }")):
        response = client.get(url)  # a page drawn before the change still gets what it linked
        assert response.status_code == 200 and response.data == body
        assert_immutable(response)
        response.close()


def test_an_unchanged_version_is_built_once(app, tmp_path):
    source = static_files.folder_source("static", Path(app.static_folder or ""))
    target = static_files.build(source, tmp_path)
    marker = target / "css" / "app.css"
    stamp = marker.stat().st_mtime_ns
    assert static_files.build(source, tmp_path) == target
    assert marker.stat().st_mtime_ns == stamp
    assert [path.name for path in (tmp_path / "static").iterdir()] == [source.version]


def test_missing_files_get_no_version_and_stay_404(app, client):
    assert versioned(app, "css/none.css") == "/static/css/none.css"
    assert versioned(app, "../config.py") == "/static/../config.py"
    assert client.get("/static/css/none.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
