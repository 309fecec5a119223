"""The migration that stores each inquiry's working time to its first answer: an inquiry answered before it
gets the time counted by the one rule (working days and hours, Danish holidays), and KPIs may then count
working hours or the median. Runs on a scratch database, like the other migration tests."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from strategitracker import PROJECT_ROOT
from strategitracker.extensions import db
from tests.test_migration_survey_ranks import _insert, scratch_app, scratch_url  # noqa: F401

BEFORE = "ad09404920e5"
WORKING_TIME = "be69be5e80af"
MIGRATIONS = str(PROJECT_ROOT / "migrations")


def test_answered_inquiries_get_their_working_time(scratch_app):  # noqa: F811
    with scratch_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.begin() as conn:
            meta = sa.MetaData()
            meta.reflect(bind=conn)
            org = _insert(conn, meta, "organisation", name="Thisted Kommune", slug="thisted")
            weekend = _insert(
                conn,
                meta,
                "inquiry",
                organisation_id=org,
                channel="phone",
                company_name="Thy Smedie ApS",
                received_at=datetime(2026, 3, 6, 14, 0, tzinfo=UTC),  # Friday 15:00 in Denmark
                first_answer_at=datetime(2026, 3, 9, 8, 0, tzinfo=UTC),  # Monday 09:00
            )
            open_one = _insert(
                conn,
                meta,
                "inquiry",
                organisation_id=org,
                channel="phone",
                company_name="Hanstholm Fisk A/S",
                received_at=datetime(2026, 3, 6, 14, 0, tzinfo=UTC),
            )
        upgrade(directory=MIGRATIONS, revision=WORKING_TIME)
        with db.engine.begin() as conn:
            stored = dict(conn.execute(sa.text("SELECT id, answer_working_seconds FROM inquiry")).all())
            assert stored == {weekend: 2 * 3600, open_one: None}
            meta = sa.MetaData()
            meta.reflect(bind=conn)
            strategy = _insert(conn, meta, "strategy", organisation_id=org, title="Erhverv")
            goal = _insert(conn, meta, "goal", organisation_id=org, strategy_id=strategy, title="Én indgang")
            kpi = dict(organisation_id=org, goal_id=goal, name="Median", kind="number", frequency="monthly")
            _insert(conn, meta, "kpi", direction="lower", derived="median_hours", **kpi)
        downgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT derived FROM kpi")).scalar_one() is None
        db.session.remove()
