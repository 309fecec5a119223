"""While the database is down or cannot be opened, people get a 503 page in their language that says when
to try again, drawn without the database; /healthz answers 503, also to a logged-in caller."""

from collections.abc import Iterator

import pytest
from flask import Flask

import config
from strategitracker import create_app
from strategitracker.extensions import db, limiter

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/strategitracker?connect_timeout=2",
    "sqlite": "sqlite:////nonexistent-directory/cannot/be/opened.db",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down_app(request, monkeypatch, tmp_path) -> Iterator[Flask]:
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # module-level: keep the suite's setting

    class DownConfig(config.TestingConfig):
        SQLALCHEMY_DATABASE_URI = UNREACHABLE[request.param]

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app(DownConfig)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def assert_unavailable(response, message: str, lang: str = "da") -> None:
    assert response.status_code == 503
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert message in body


def logged_in(client) -> None:
    """A session cookie as a log-in left it (user id and session token): the user is looked up in the database
    on every request."""
    with client.session_transaction() as session:
        session["_user_id"] = "1:session-token"
        session["_fresh"] = True


def test_a_page_that_reads_answers_503_in_danish(down_app):
    response = down_app.test_client().get("/public")
    assert_unavailable(response, "Siden kan ikke vises lige nu, fordi databasen ikke kan nås.")


def test_a_page_answers_503_in_the_chosen_language(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = client.get("/public")
    assert_unavailable(response, "the database cannot be reached", lang="en")


def test_a_log_in_answers_503_and_says_nothing_was_saved(down_app):
    response = down_app.test_client().post("/login", data={"email": "a@example.org", "password": "x"})
    assert_unavailable(response, "Databasen kan ikke nås lige nu, og intet blev gemt.")


def test_a_logged_in_user_gets_the_503_page(down_app):
    client = down_app.test_client()
    logged_in(client)
    assert_unavailable(client.get("/o/thisted/"), "Siden kan ikke vises lige nu")
    assert_unavailable(client.post("/language", data={"locale": "en"}), "intet blev gemt")


def test_json_clients_get_a_json_503(down_app):
    response = down_app.test_client().get("/public", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    assert "databasen" in response.get_json()["error"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_healthz_answers_503(down_app, signed_in):
    client = down_app.test_client()
    if signed_in:
        logged_in(client)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
