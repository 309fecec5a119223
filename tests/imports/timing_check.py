"""A quick timing check (not a test): import 100 000 measurement rows and print how long each step takes.

    .venv/bin/python -m tests.imports.timing_check            # a throw-away SQLite database
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m tests.imports.timing_check  # EMPTIES that db
    .venv/bin/python -m tests.imports.timing_check --xlsx     # the same rows as an .xlsx workbook

The rows are 500 monthly KPIs × 200 months, written as a Danish CSV (";" and decimal comma).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROWS_PER_KPI = 200
KPIS = 500


def main() -> None:
    as_xlsx = "--xlsx" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp) / 'timing.db'}"
        from flask_migrate import upgrade

        from config import TestingConfig
        from strategitracker import create_app
        from strategitracker.extensions import db
        from strategitracker.models import KPI, Goal, Measurement, Organisation, Strategy
        from strategitracker.services import imports
        from tests.conftest import _reset_schema
        from tests.imports.conftest import to_csv, to_xlsx

        class RunConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(RunConfig)
        with app.app_context():
            _reset_schema()
            upgrade()
            org = Organisation(slug="timing", name="Timing Kommune")
            db.session.add(org)
            db.session.flush()
            strategy = Strategy(organisation_id=org.id, title="S", period_start=_d(2000), period_end=_d(2030))
            db.session.add(strategy)
            db.session.flush()
            goal = Goal(strategy=strategy, organisation_id=org.id, title="G")
            db.session.add(goal)
            db.session.flush()
            names = [f"Nøgletal {i:03d}" for i in range(KPIS)]
            db.session.add_all(
                KPI(goal=goal, organisation_id=org.id, name=n, kind="number", frequency="monthly")
                for n in names
            )
            db.session.commit()
            rows = [["Nøgletal", "Periode", "Værdi", "Note"]]
            for name in names:
                for month in range(ROWS_PER_KPI):
                    year, m = 2000 + month // 12, month % 12 + 1
                    rows.append([name, f"01-{m:02d}-{year}", f"{month * 10 + 0.5:.1f}".replace(".", ","), ""])
            started = time.perf_counter()
            data = to_xlsx(rows) if as_xlsx else to_csv(rows)
            built = time.perf_counter() - started
            print(
                f"database: {db.engine.dialect.name}; file: {'xlsx' if as_xlsx else 'csv'}, "
                f"{len(rows) - 1:,} rows, {len(data) / 1e6:.1f} MB (built in {built:.1f} s)"
            )
            started = time.perf_counter()
            prepared = imports.prepare("measurements", data, "timing", org=org, actor=None, role=None)
            checked = time.perf_counter()
            assert not prepared.problems and not prepared.fatal, prepared.problems[:3] or prepared.fatal
            counts = imports.write(prepared, org=org, actor=None)
            db.session.commit()
            done = time.perf_counter()
            stored = db.session.scalar(db.select(db.func.count()).select_from(Measurement))
            print(
                f"read and check: {checked - started:.1f} s; write and commit: {done - checked:.1f} s; "
                f"total: {done - started:.1f} s; created {counts['created']:,}; stored {stored:,}"
            )
            db.session.remove()
            _reset_schema()


def _d(year: int):
    from datetime import date

    return date(year, 1, 1)


if __name__ == "__main__":
    main()
