"""Shared fixtures: one app and schema per run, a transaction rolled back after every test."""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestingConfig
from strategitracker import create_app
from strategitracker.extensions import cache, compressed_pages, limiter
from strategitracker.extensions import db as _db
from strategitracker.models import Organisation, User
from tests import factories
from tests.support import fresh_client

PASSWORD = "correct-horse-battery"


def _database_url(tmp: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'test.db'}"


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        url = _database_url(Path(tmp))

        class RunConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(RunConfig)
        limiter.enabled = False  # the throttling tests switch it on for themselves
        with app.app_context():
            _reset_schema()
            upgrade()  # the committed migrations build the schema the tests run on
            _db.session.remove()
        yield app
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_page_cache(app: Flask):
    """Test data is often flushed without a commit, so the data version stays while the rows differ from
    test to test: a part (or a compressed page) cached by one test must not reach the next."""
    with app.app_context():
        cache.clear()
        compressed_pages.clear()
    yield


@pytest.fixture(autouse=True)
def _limiter_stays_off():
    """Building a second app re-runs the shared limiter's set-up, which switches it on: undo that."""
    yield
    limiter.enabled = False


def _reset_schema() -> None:
    """Start from an empty database, also when DATABASE_URL names one used before."""
    meta = sa.MetaData()
    meta.reflect(bind=_db.engine)
    meta.drop_all(bind=_db.engine)
    with _db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def db(app: Flask):
    """The database session inside a transaction that is rolled back after the test."""
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine


@pytest.fixture
def count_queries(db):
    """`with count_queries() as statements:` collects the SQL statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        connection = _db.engines[None]
        sa.event.listen(connection, "before_cursor_execute", before_cursor_execute)
        try:
            yield statements
        finally:
            sa.event.remove(connection, "before_cursor_execute", before_cursor_execute)

    return counting


@pytest.fixture
def client(app: Flask, db) -> FlaskClient:
    return fresh_client(app)


@pytest.fixture
def runner(app: Flask, db):
    return app.test_cli_runner()


@pytest.fixture
def org(db) -> Organisation:
    return factories.organisation(slug="testkommune", name="Testkommune", municipality_code=999)


@pytest.fixture
def other_org(db) -> Organisation:
    return factories.organisation(slug="andenkommune", name="Anden Kommune", municipality_code=998)


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(role: str | None = None, organisation: Organisation | None = None, **kwargs) -> User:
        user = factories.user(password=PASSWORD, **kwargs)
        if role is not None and organisation is not None:
            factories.membership(user, organisation, role)
        return user

    return make


@pytest.fixture
def login(client: FlaskClient, make_user, org) -> Callable[..., User]:
    """Log the test client in as a new user with `role` in `org` ("superuser" for a site-wide one)."""

    def do_login(role: str | None = "viewer", organisation: Organisation | None = None, **kwargs) -> User:
        if role == "superuser":
            user = make_user(is_superuser=True, **kwargs)
        else:
            user = make_user(role, organisation or org, **kwargs)
        _db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login


@pytest.fixture
def today() -> date:
    return date.today()
