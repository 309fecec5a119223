"""The embedded SQLite database takes concurrent writes: requests that read and then write wait for each
other instead of failing with "database is locked".

These tests run on an SQLite file of their own, whichever DATABASE_URL the suite runs on: the behaviour
belongs to the embedded database that `make run` serves.
"""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from config import TestingConfig
from strategitracker import create_app
from strategitracker.extensions import db
from strategitracker.models import AuditEvent, User
from tests import factories

PASSWORD = "correct-horse-battery"
CLIENTS = 12


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'concurrent.db'}"
        RATELIMIT_ENABLED = False
        SQLITE_BUSY_TIMEOUT_MS = 2000

    app = create_app(FileConfig)
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _begin_statements(app: Flask, method: str) -> list[str]:
    statements: list[str] = []
    with app.test_request_context("/", method=method), app.app_context():
        engine = db.engine

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            db.session.execute(sa.select(1))
            db.session.rollback()
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
            db.session.remove()
    return [s for s in statements if s.startswith("BEGIN")]


@pytest.mark.parametrize(
    ("method", "begin"),
    [("GET", "BEGIN"), ("HEAD", "BEGIN"), ("POST", "BEGIN IMMEDIATE"), ("DELETE", "BEGIN IMMEDIATE")],
)
def test_only_requests_that_may_write_take_the_write_lock_at_the_start(sqlite_app: Flask, method, begin):
    assert _begin_statements(sqlite_app, method) == [begin]


def test_outside_a_request_a_transaction_takes_the_write_lock_at_the_start(sqlite_app: Flask):
    statements: list[str] = []
    with sqlite_app.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        db.session.execute(sa.select(1))
        db.session.remove()
    assert statements[0] == "BEGIN IMMEDIATE"


def _users(app: Flask, count: int) -> list[str]:
    with app.app_context():
        org = factories.organisation()
        emails = []
        for _ in range(count):
            user = factories.user(password=PASSWORD)
            factories.membership(user, org, "viewer")
            emails.append(user.email)
        db.session.commit()
        db.session.remove()
    return emails


def test_concurrent_log_ins_all_succeed(sqlite_app: Flask):
    emails = _users(sqlite_app, CLIENTS)

    start = threading.Barrier(CLIENTS)
    statuses: list[int] = []

    def log_in(email: str) -> None:
        client = sqlite_app.test_client()  # each request pushes its own app context, as in production
        start.wait()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=log_in, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] * CLIENTS
    with sqlite_app.app_context():
        logged_in = db.session.scalars(sa.select(User).where(User.last_login_at.is_not(None))).all()
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "auth.login")).all()
        assert len(logged_in) == len(events) == CLIENTS
        db.session.remove()


def test_a_write_that_waits_too_long_is_refused_with_a_retry_page_and_saves_nothing(sqlite_app: Flask):
    (email,) = _users(sqlite_app, 1)
    with sqlite_app.app_context():
        sqlite_app.config["SQLITE_BUSY_TIMEOUT_MS"] = 50
        db.engine.dispose()
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        client = sqlite_app.test_client()
        page = client.get("/login")  # reading goes on while another connection writes
        assert page.status_code == 200
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        as_json = client.post(
            "/login", data={"email": email, "password": PASSWORD}, headers={"Accept": "application/json"}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert '<html lang="da">' in body
    assert "Databasen har travlt lige nu, og intet blev gemt." in body
    assert as_json.status_code == 503
    assert as_json.get_json() == {
        "error": "Databasen har travlt lige nu, og intet blev gemt. Prøv igen om et øjeblik."
    }
    with sqlite_app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        assert user.last_login_at is None
        assert db.session.scalars(sa.select(AuditEvent)).all() == []
        db.session.remove()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def _hold_write_lock(app: Flask) -> sqlite3.Connection:
    """Another writer, with the request's wait for it cut to 50 ms."""
    with app.app_context():
        app.config["SQLITE_BUSY_TIMEOUT_MS"] = 50
        db.engine.dispose()
        return sqlite3.connect(db.engine.url.database, isolation_level=None)


def test_the_busy_page_of_a_logged_in_user_does_not_touch_the_database(sqlite_app: Flask):
    """Drawing the page must not look up the user or the navigation: that would wait and fail again."""
    (email,) = _users(sqlite_app, 1)
    client = sqlite_app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    holder = _hold_write_lock(sqlite_app)
    holder.execute("BEGIN IMMEDIATE")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with sqlite_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.post("/language", data={"locale": "en"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Databasen har travlt lige nu, og intet blev gemt." in response.get_data(as_text=True)
    assert statements == ["BEGIN IMMEDIATE"]  # the user's look-up, which waited; nothing after it


def test_a_write_that_was_committed_is_never_reported_as_not_saved(sqlite_app: Flask):
    """Another writer takes the lock right after the log-in committed; the log-in's next read then waits
    in vain. The answer must say that the change was saved."""
    (email,) = _users(sqlite_app, 1)
    holder = _hold_write_lock(sqlite_app)

    def another_writer_starts(session):
        if not holder.in_transaction:
            holder.execute("BEGIN IMMEDIATE")

    sa.event.listen(Session, "after_commit", another_writer_starts)
    try:
        client = sqlite_app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
    finally:
        sa.event.remove(Session, "after_commit", another_writer_starts)
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "intet blev gemt" not in body
    assert "Din ændring blev gemt" in body
    with sqlite_app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        assert user.last_login_at is not None  # it was saved indeed
        db.session.remove()
