"""The migration that holds survey ranks once: data built at the previous revision, upgraded, checked.

Runs on an empty SQLite file of its own, or, when DATABASE_URL names PostgreSQL, on a scratch database
beside it (created and dropped here), so the session's database is never touched.
"""

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import Migrate, upgrade

from config import TestingConfig
from strategitracker import PROJECT_ROOT
from strategitracker.database import register_engine_events
from strategitracker.extensions import db

BEFORE = "90b1bfca6430"
MOVE = "c3a7e1d95b42"


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'move.db'}"
        return
    base = sa.engine.make_url(url)
    name = f"{base.database}_migration"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def scratch_app(tmp_path: Path, scratch_url: str) -> Iterator[Flask]:
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.from_object(TestingConfig())
    app.config["SQLALCHEMY_DATABASE_URI"] = scratch_url
    db.init_app(app)
    register_engine_events(app)
    Migrate(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _filler(column: sa.Column) -> Any:
    """A value for a NOT NULL column the test does not care about."""
    python_type = column.type.python_type
    if python_type is datetime:
        return datetime(2024, 1, 1, tzinfo=UTC)
    if python_type is date:
        return date(2024, 1, 1)
    return {str: "", int: 0, bool: False, float: 0.0}[python_type]


def _insert(conn: sa.Connection, meta: sa.MetaData, table: str, **values: Any) -> int:
    t = meta.tables[table]
    for column in t.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            values[column.name] = _filler(column)
    return conn.execute(sa.insert(t).values(**values).returning(t.c.id)).scalar_one()


def _rank_kpi(conn, meta, org_id: int, name: str, category: str = "Overordnet") -> int:
    strategy = _insert(conn, meta, "strategy", organisation_id=org_id, title=f"Strategi {name}")
    goal = _insert(conn, meta, "goal", organisation_id=org_id, strategy_id=strategy, title=f"Mål {name}")
    return _insert(
        conn,
        meta,
        "kpi",
        organisation_id=org_id,
        goal_id=goal,
        name=name,
        kind="rank",
        direction="lower",
        frequency="yearly",
        survey="di",
        survey_category=category,
    )


def _measure(conn, meta, kpi: int, year: int, value: float, out_of: int | None, source: str = "") -> int:
    return _insert(
        conn,
        meta,
        "measurement",
        kpi_id=kpi,
        period=date(year, 9, 1),
        value=value,
        out_of=out_of,
        source=source,
    )


def _build(conn: sa.Connection) -> dict[str, int]:
    """Three organisations at the previous revision: one with survey rows, one whose municipality is not in
    the table yet, one without a municipality code."""
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    thisted = _insert(
        conn, meta, "organisation", name="Thisted Kommune", slug="thisted", municipality_code=787
    )
    morsoe = _insert(conn, meta, "organisation", name="Morsø Kommune", slug="morsoe", municipality_code=773)
    nowhere = _insert(conn, meta, "organisation", name="Konsulenthuset", slug="konsulent")
    municipality = _insert(conn, meta, "municipality", code=787, name="Thisted")
    for year, rank in ((2019, 6), (2020, 16)):
        _insert(
            conn,
            meta,
            "survey_rank",
            survey="di",
            year=year,
            municipality_id=municipality,
            category="Overordnet",
            rank=rank,
            out_of=93,
            source="DI",
        )
    ids = {"thisted_kpi": _rank_kpi(conn, meta, thisted, "Placering – samlet")}
    _measure(conn, meta, ids["thisted_kpi"], 2019, 6, 93)  # the same as the survey: a copy
    ids["conflict"] = _measure(conn, meta, ids["thisted_kpi"], 2020, 24, 93, "typed by hand")  # differs
    _measure(conn, meta, ids["thisted_kpi"], 2021, 13, 93, "nordjyske.dk")  # missing in the survey: moved
    ids["morsoe_kpi"] = _rank_kpi(conn, meta, morsoe, "Placering Morsø")
    _measure(conn, meta, ids["morsoe_kpi"], 2022, 2, 93)
    ids["own_kpi"] = _rank_kpi(conn, meta, nowhere, "Placering uden kommune")
    _measure(conn, meta, ids["own_kpi"], 2022, 40, 93)
    ids["thisted"], ids["morsoe"] = thisted, morsoe
    return ids


def _ranks(conn: sa.Connection) -> set[tuple]:
    return set(
        conn.execute(
            sa.text(
                "SELECT m.code, s.year, s.category, s.rank, s.out_of, s.source FROM survey_rank s "
                "JOIN municipality m ON m.id = s.municipality_id"
            )
        ).all()
    )


def test_measurements_of_linked_rank_kpis_move_to_the_survey_without_loss(scratch_app, capsys):
    with scratch_app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            ids = _build(conn)
        upgrade(revision=MOVE)
        output = capsys.readouterr().out
        with db.engine.connect() as conn:
            assert _ranks(conn) == {
                (787, 2019, "Overordnet", 6, 93, "DI"),
                (787, 2020, "Overordnet", 16, 93, "DI"),  # the survey value is kept
                (787, 2021, "Overordnet", 13, 93, "nordjyske.dk"),
                (773, 2022, "Overordnet", 2, 93, ""),
            }
            left = conn.execute(sa.text("SELECT kpi_id, value FROM measurement")).all()
            assert left == [(ids["own_kpi"], 40.0)]  # no municipality code: kept
            conflicts = conn.execute(
                sa.text(
                    "SELECT organisation_id, entity_id, before, after FROM audit_event "
                    "WHERE action = 'national.migration_conflict'"
                )
            ).all()
            summary = conn.execute(
                sa.text("SELECT organisation_id, after FROM audit_event WHERE action = 'national.migration'")
            ).one()
            added = conn.execute(sa.text("SELECT name, region FROM municipality WHERE code = 773")).one()
        assert added == ("Morsø", None)
        counted = summary[1] if isinstance(summary[1], dict) else json.loads(summary[1])
        assert summary[0] is None and counted == {"moved": 2, "copy": 1, "dropped": 1}
        assert len(conflicts) == 1
        org_id, entity_id, before, after = conflicts[0]
        before = before if isinstance(before, dict) else json.loads(before)
        after = after if isinstance(after, dict) else json.loads(after)
        assert (org_id, entity_id) == (ids["thisted"], ids["conflict"])
        assert (before["value"], before["out_of"], before["source"]) == (24, 93, "typed by hand")
        assert after["survey_rank"] == {"rank": 16, "out_of": 93}
        assert "2 were moved to survey_rank, 1 were copies of survey ranks, 1 differed" in output
        assert "Placering – samlet" in output and "2020" in output and "dropped" in output
        assert "Placering uden kommune" in output and "no municipality code" in output
