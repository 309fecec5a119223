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
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from .common import (
    BENCH_DIR,
    PASSWORD,
    admin_email,
    database_url,
    dialect,
    find_targets,
    make_app,
    org_slug,
    safe_url,
    write_json,
)

STRATEGIES, GOALS, KPIS, MONTHS, PLANS = 3, 10, 5, 120, 20
MUNICIPALITIES, SURVEY_YEARS, CATEGORIES = 98, 15, 10
SURVEY = "DI Lokalt Erhvervsklima"
CATEGORY_NAMES = [
    "Samlet placering",
    "Infrastruktur og transport",
    "Kommunal service",
    "Arbejdskraft",
    "Skatter og gebyrer",
    "Erhvervsvenlighed",
    "Byggesagsbehandling",
    "Kommunens image",
    "Information og dialog",
    "Udbud og indkøb",
]
DEPARTMENTS = [
    "Børn og Familie",
    "Teknik og Miljø",
    "Social og Sundhed",
    "Kultur og Fritid",
    "Økonomi og Løn",
]
STATUSES = ["not_started", "in_progress", "in_progress", "in_progress", "delayed", "done", "cancelled"]
CHUNK = 10_000


def months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` whole months before today's month, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(date(year, month, 1))
    return out[::-1]


class Writer:
    """Bulk writes: COPY on PostgreSQL, executemany INSERT in chunks on SQLite."""

    def __init__(self, connection: sa.Connection, metadata: sa.MetaData) -> None:
        self.connection = connection
        self.metadata = metadata
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def write(self, table_name: str, rows: Iterable[dict[str, Any]]) -> None:
        table = self.metadata.tables[table_name]
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._flush(table, batch)
                batch = []
        if batch:
            self._flush(table, batch)

    def _flush(self, table: sa.Table, batch: list[dict[str, Any]]) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + len(batch)
        if not self.postgres:
            self.connection.execute(sa.insert(table), batch)
            return
        columns = list(batch[0])
        raw = self.connection.connection.driver_connection  # psycopg.Connection
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row([row[c] for c in columns])


def _ids():
    counters: dict[str, int] = {}

    def next_id(table: str) -> int:
        counters[table] = counters.get(table, 0) + 1
        return counters[table]

    return next_id, counters


def generate(orgs: int, *, seed: int = 20261128, today: date | None = None) -> dict[str, Any]:
    from strategitracker.extensions import db
    from strategitracker.services.accounts import hash_password

    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(UTC)
    periods = months_back(today, MONTHS)
    next_id, counters = _ids()
    password_hash = hash_password(PASSWORD)  # one hash, shared by the demo log-ins (hashing is slow)

    with db.engine.begin() as connection:
        w = Writer(connection, db.metadata)

        # National survey data (once): municipality codes 101.. and ranks 1..98 per year and category.
        municipalities = [
            {"id": next_id("municipality"), "code": 101 + i, "name": f"Bench Kommune {i + 1:03d}"}
            for i in range(MUNICIPALITIES)
        ]
        w.write("municipality", municipalities)

        def ranks():
            for year in range(today.year - SURVEY_YEARS, today.year):
                for category in CATEGORY_NAMES[:CATEGORIES]:
                    order = list(range(1, MUNICIPALITIES + 1))
                    rng.shuffle(order)
                    for m, rank in zip(municipalities, order, strict=True):
                        yield {
                            "id": next_id("survey_rank"),
                            "survey": SURVEY,
                            "year": year,
                            "municipality_id": m["id"],
                            "category": category,
                            "rank": rank,
                            "out_of": MUNICIPALITIES,
                            "source": "bench",
                        }

        w.write("survey_rank", ranks())

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


def _organisation(w, n, rng, next_id, periods, today, now, password_hash) -> None:
    org_id = next_id("organisation")
    w.write(
        "organisation",
        [
            {
                "id": org_id,
                "name": f"Bench Kommune {n:03d}",
                "slug": org_slug(n),
                "municipality_code": 100 + n,
                "created_at": now,
            }
        ],
    )
    user_id = next_id("user_account")
    w.write(
        "user_account",
        [
            {
                "id": user_id,
                "email": admin_email(n),
                "name": f"Bench Admin {n}",
                "password_hash": password_hash,
                "locale": "da",
                "active": True,
                "is_superuser": False,
                "must_change_password": False,
                "created_at": now,
                "last_login_at": None,
            }
        ],
    )
    w.write(
        "membership",
        [
            {
                "id": next_id("membership"),
                "user_id": user_id,
                "organisation_id": org_id,
                "role": "admin",
                "active": True,
                "created_at": now,
            }
        ],
    )
    departments = [next_id("department") for _ in DEPARTMENTS]
    w.write(
        "department",
        [
            {"id": d, "organisation_id": org_id, "name": name, "short_name": None, "archived_at": None}
            for d, name in zip(departments, DEPARTMENTS, strict=True)
        ],
    )
    strategies, goals, kpis, targets, measurements, plans, updates = [], [], [], [], [], [], []
    start_year = today.year - 10
    for s in range(STRATEGIES):
        strategy_id = next_id("strategy")
        strategies.append(
            {
                "id": strategy_id,
                "organisation_id": org_id,
                "title": f"Strategi {s + 1} for Bench Kommune {n:03d}",
                "vision": "En kommune i udvikling, hvor borgere og virksomheder trives. " * 3,
                "period_start": date(start_year, 1, 1),
                "period_end": date(today.year + 2, 12, 31),
                "published": s == 0,
                "published_at": now if s == 0 else None,
                "archived_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        for gi in range(GOALS):
            goal_id = next_id("goal")
            goals.append(
                {
                    "id": goal_id,
                    "organisation_id": org_id,
                    "strategy_id": strategy_id,
                    "title": f"Mål {gi + 1}: flere i job og uddannelse ({s + 1}.{gi + 1})",
                    "description": "Vi vil styrke borgernes tilknytning til arbejdsmarkedet. " * 2,
                    "owner": "Direktør for Beskæftigelse",
                    "owner_user_id": user_id,
                    "source_card_id": None,
                    "position": gi,
                    "archived_at": None,
                    "created_at": now,
                }
            )
            for ki in range(KPIS):
                kpi_id = next_id("kpi")
                rank = ki == KPIS - 1
                kind = "rank" if rank else ("percent" if ki % 2 else "number")
                direction = "lower" if rank or ki == 2 else "higher"
                base = 60.0 if rank else (40.0 if kind == "percent" else 1000.0 + 50 * ki)
                kpis.append(
                    {
                        "id": kpi_id,
                        "organisation_id": org_id,
                        "goal_id": goal_id,
                        "name": f"Nøgletal {ki + 1} for mål {s + 1}.{gi + 1}",
                        "description": "",
                        "unit": "" if rank else ("%" if kind == "percent" else "personer"),
                        "kind": kind,
                        "direction": direction,
                        "frequency": "monthly",
                        "source": "Danmarks Statistik",
                        "owner": "Afdelingschef",
                        "owner_user_id": user_id,
                        "baseline_value": base,
                        "baseline_date": periods[0],
                        "baseline_out_of": MUNICIPALITIES if rank else None,
                        "baseline_source": "",
                        "survey": SURVEY if rank else None,
                        "survey_category": CATEGORY_NAMES[gi % CATEGORIES] if rank else None,
                        "source_card_id": None,
                        "position": ki,
                        "archived_at": None,
                        "created_at": now,
                    }
                )
                step = -0.3 if direction == "lower" else 0.3
                goal_value = base + step * 150 * (1 if kind != "number" else 10)
                if rank:
                    goal_value = max(1.0, base - 40)
                if kind == "percent":
                    goal_value = min(95.0, goal_value)
                for set_on, value in (
                    (periods[0], goal_value * 1.05 if not rank else goal_value + 5),
                    (periods[60], goal_value),
                ):
                    targets.append(
                        {
                            "id": next_id("kpi_target"),
                            "kpi_id": kpi_id,
                            "value": round(value, 1),
                            "target_date": date(today.year + 2, 12, 31),
                            "set_on": set_on,
                            "set_by_id": user_id,
                            "note": "",
                            "source": "",
                            "created_at": now,
                        }
                    )
                value = base
                for period in periods:
                    if rank:
                        value = min(98.0, max(1.0, value + rng.choice((-2, -1, -1, 0, 1))))
                        shown, out_of = float(int(value)), MUNICIPALITIES
                    else:
                        scale = 1 if kind == "percent" else 10
                        value = value + step * scale * rng.uniform(-1, 2.5)
                        if kind == "percent":
                            value = min(100.0, max(0.0, value))
                        shown, out_of = round(value, 1), None
                    measurements.append(
                        {
                            "id": next_id("measurement"),
                            "kpi_id": kpi_id,
                            "period": period,
                            "value": shown,
                            "out_of": out_of,
                            "note": "",
                            "source": "Danmarks Statistik",
                            "entered_by_id": user_id,
                            "entered_at": now,
                            "updated_at": now,
                        }
                    )
            for pi in range(PLANS):
                plan_id = next_id("action_plan")
                status = rng.choice(STATUSES)
                start = date(start_year + rng.randint(0, 8), rng.randint(1, 12), 1)
                due = start + timedelta(days=rng.randint(90, 1200))
                done_on = min(due, today) if status == "done" else None
                progress = 100 if status == "done" else (0 if status == "not_started" else rng.randint(5, 95))
                history = rng.randint(1, 5)
                plans.append(
                    {
                        "id": plan_id,
                        "organisation_id": org_id,
                        "goal_id": goal_id,
                        "department_id": departments[pi % len(departments)],
                        "title": f"Handleplan {pi + 1}: indsats for mål {s + 1}.{gi + 1}",
                        "description": "Konkrete initiativer i samarbejde med lokale virksomheder.",
                        "owner": "Teamleder",
                        "owner_user_id": user_id if pi % 4 == 0 else None,
                        "status": status,
                        "start_date": start,
                        "due_date": due,
                        "progress": progress,
                        "done_on": done_on,
                        "source_card_id": None,
                        "note": "",
                        "archived_at": None,
                        "created_at": now,
                        "updated_at": now,
                        "version": history + 1,
                    }
                )
                old = None
                for hi in range(history):
                    new = status if hi == history - 1 else ("in_progress" if hi else "not_started")
                    updates.append(
                        {
                            "id": next_id("action_plan_update"),
                            "action_plan_id": plan_id,
                            "author_id": user_id,
                            "author_name": f"Bench Admin {n}",
                            "created_at": now - timedelta(days=30 * (history - hi)),
                            "old_status": old,
                            "new_status": new,
                            "progress": progress if hi == history - 1 else min(progress, 10 * hi),
                            "comment": "Forsinket pga. manglende ressourcer."
                            if new == "delayed"
                            else "Status opdateret.",
                        }
                    )
                    old = new
    w.write("strategy", strategies)
    w.write("goal", goals)
    w.write("kpi", kpis)
    w.write("kpi_target", targets)
    w.write("measurement", measurements)
    w.write("action_plan", plans)
    w.write("action_plan_update", updates)


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
