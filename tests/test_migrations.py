"""The committed migrations build the schema from nothing, and that schema matches the models.

The session's schema (see conftest) is built by `flask_migrate.upgrade()` on an empty database, on
SQLite or on the PostgreSQL named by DATABASE_URL. These tests use the `app` fixture without `db`,
so `db.engine` is the real engine rather than the test transaction's connection.
"""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import Migrate, downgrade, upgrade

from config import TestingConfig
from strategitracker import PROJECT_ROOT
from strategitracker.extensions import db
from strategitracker.web.database import register_engine_events


@pytest.fixture
def engine(app: Flask) -> Iterator[sa.Engine]:
    with app.app_context():
        try:
            yield db.engine
        finally:
            db.session.remove()


def _heads(app: Flask) -> set[str]:
    config = app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def _schema_diff(connection: sa.Connection) -> list:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return compare_metadata(context, db.metadata)


def _check_constraint_names(connection: sa.Connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    return {
        table: {ck["name"] for ck in inspector.get_check_constraints(table)}
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def _model_check_constraint_names() -> dict[str, set[str]]:
    return {
        table.name: {str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        for table in db.metadata.sorted_tables
    }


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        assert _schema_diff(connection) == []


def test_migrated_schema_has_every_check_constraint(engine):
    # Alembic's autogenerate does not compare CHECK constraints; compare them by name here.
    with engine.connect() as connection:
        assert _check_constraint_names(connection) == _model_check_constraint_names()


def test_there_is_one_head_and_the_database_is_at_it(app, engine):
    heads = _heads(app)
    assert len(heads) == 1, f"the migrations have branched: {heads}"
    with engine.connect() as connection:
        assert set(MigrationContext.configure(connection).get_current_heads()) == heads
        assert connection.scalar(sa.text("SELECT version_num FROM alembic_version")) in heads


def test_flask_db_check_finds_nothing_to_migrate(app, engine):
    # `flask db check` exits 1 when autogenerate would emit operations.
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output


def test_alembic_check_reports_no_new_operations(app, engine):
    # The same check as `flask db check`, with alembic's own output captured (its Config binds
    # sys.stdout at import time, so the CLI runner does not see that line).
    config = app.extensions["migrate"].migrate.get_config()
    config.stdout = io.StringIO()
    command.check(config)
    assert "No new upgrade operations detected" in config.stdout.getvalue()


@pytest.fixture
def fresh_app(tmp_path: Path) -> Iterator[Flask]:
    """A bare app with only the database and migrations, on an empty SQLite file of its own.

    The migrations run down and up again there without touching the session's database, whichever
    DATABASE_URL names. The other extensions are module-level singletons and are left alone.
    """
    fresh = Flask(__name__, instance_path=str(tmp_path))
    fresh.config.from_object(TestingConfig())
    fresh.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'fresh.db'}"
    db.init_app(fresh)
    register_engine_events(fresh)
    Migrate(fresh, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_migrations_run_from_nothing_down_to_nothing_and_up_again(fresh_app):
    with fresh_app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert tables == set(db.metadata.tables) | {"alembic_version"}
        with db.engine.connect() as connection:
            assert _schema_diff(connection) == []
            assert _check_constraint_names(connection) == _model_check_constraint_names()

        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()
        with db.engine.connect() as connection:
            assert _schema_diff(connection) == []
            assert set(MigrationContext.configure(connection).get_current_heads()) == _heads(fresh_app)
