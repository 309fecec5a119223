"""Generate benchmark data: N organisations of municipal size, plus national survey rankings.

    python -m bench.generate --orgs 98 [--reset]

Per organisation: 3 strategies (the first published) × 10 goals × 5 KPIs (one of them a rank KPI linked to
the survey) × 10 years of monthly measurements, 2 dated targets per KPI, 20 action plans per goal with an
update history (1–5 updates each), 5 departments and one admin log-in (bench-admin-<n>@example.org, password
printed). Nationally, once: 98 municipalities × 15 years × 10 categories of survey rankings. At --orgs 98 that
is about 1.8 million measurements.

The database (DATABASE_URL; default the SQLite file bench/bench.db, or bench/bench<N>.db for --orgs N > 1)
is migrated first (flask_migrate.upgrade) and must be
empty; --reset drops every table first. Rows are written in bulk: executemany INSERTs in chunks on SQLite,
COPY on PostgreSQL. Primary keys are assigned here (the database is empty), and PostgreSQL's sequences are
moved past them at the end.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from .action_plan_rows import add_action_plans
from .bulk_writer import Writer, id_counter
from .common import (
    BENCH_DIR,
    PASSWORD,
    admin_email,
    database_url,
    dialect,
    find_targets,
    make_app,
    safe_url,
    write_json,
)
from .kpi_rows import MONTHS, add_kpis, months_back
from .organisation_rows import GOALS, STRATEGIES, add_goal, add_strategy, start_organisation
from .survey_rows import municipality_rows, rank_rows


def generate(orgs: int, *, seed: int = 20261128, today: date | None = None) -> dict[str, Any]:
    from strategitracker.extensions import db
    from strategitracker.services.accounts import hash_password

    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(UTC)
    periods = months_back(today, MONTHS)
    next_id, counters = id_counter()
    password_hash = hash_password(PASSWORD)  # one hash, shared by the demo log-ins (hashing is slow)

    with db.engine.begin() as connection:
        w = Writer(connection, db.metadata)

        # National survey data (once), before the organisations: both draw from the same random sequence.
        municipalities = municipality_rows(next_id)
        w.write("municipality", municipalities)
        w.write("survey_rank", rank_rows(municipalities, rng, next_id, today))

        for n in range(1, orgs + 1):
            _organisation(w, n, rng, next_id, periods, today, now, password_hash)

        if w.postgres:  # move the sequences past the ids assigned here
            for table, last in counters.items():
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
            connection.exec_driver_sql("ANALYZE")
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    return w.counts


def _organisation(
    w: Writer,
    n: int,
    rng: random.Random,
    next_id: Callable[[str], int],
    periods: list[date],
    today: date,
    now: datetime,
    password_hash: str,
) -> None:
    rows = start_organisation(w, n, rng, next_id, periods, today, now, password_hash)
    for s in range(STRATEGIES):
        strategy_id = add_strategy(rows, s)
        for gi in range(GOALS):
            goal_id = add_goal(rows, strategy_id, s, gi)
            add_kpis(rows, goal_id, s, gi)
            add_action_plans(rows, goal_id, s, gi)
    rows.write(w)


def reset(app) -> None:
    from strategitracker.extensions import db

    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine)
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                for table in metadata.tables:
                    connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
            else:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                metadata.drop_all(connection)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--orgs", type=int, default=1, help="number of organisations (1 = municipal, 98 = national)"
    )
    parser.add_argument("--reset", action="store_true", help="drop every table first")
    parser.add_argument("--database-url", default=None, help="instead of DATABASE_URL")
    args = parser.parse_args(argv)
    url = database_url(args.database_url, args.orgs)
    app = make_app(url)
    if args.reset:
        reset(app)
    from flask_migrate import upgrade

    from strategitracker.extensions import db
    from strategitracker.models import Organisation

    started = time.perf_counter()
    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)):
            sys.exit(f"{safe_url(url)} is not empty: use --reset to start again.")
        db.session.close()
        migrated = time.perf_counter()
        counts = generate(args.orgs)
    elapsed = time.perf_counter() - started
    print(f"Database: {safe_url(url)} ({dialect(url)})")
    width = max(map(len, counts))
    for name, count in counts.items():
        print(f"  {name.ljust(width)} {count:>10,}")
    print(f"  {'total'.ljust(width)} {sum(counts.values()):>10,} rows")
    print(
        f"Migrations {migrated - started:.1f} s, data {elapsed - (migrated - started):.1f} s, "
        f"total {elapsed:.1f} s ({sum(counts.values()) / (elapsed - (migrated - started)):,.0f} rows/s)"
    )
    print(f"Log-ins: {admin_email(1)} … {admin_email(args.orgs)}, password {PASSWORD}")
    targets = find_targets(app)
    targets["database"] = safe_url(url)
    write_json(BENCH_DIR / f"targets-{dialect(url)}-{args.orgs}.json", targets)
    print("Probe pages (organisation bench-001):")
    for name, path in targets["pages"].items():
        print(f"  {name:10} {path}")


if __name__ == "__main__":
    main()
