"""Import benchmark: 100 000 measurement rows from CSV through the real import, against a floor.

    python -m bench.imports [--rows 100000] [--repeat 2]

Against DATABASE_URL (default bench/bench.db; migrated by bench.generate). An organisation "bench-import"
with 200 monthly KPIs is created once; the CSV (KPI id, period, value, source) has --rows new measurements
for them. Each variant runs in its own subprocess (so its peak memory, ru_maxrss, is its own) and its rows
are deleted again afterwards:

- import: `flask import measurements FILE --org bench-import` (the real command, run in-process through
  Flask's CLI runner: read, check every row against the database, bulk insert, audit event, commit);
- floor: `pandas.read_csv` of the same file and one bulk INSERT of the rows into the same table, commit.

Prints rows/s for both, their ratio (target: the import ≥ 50 % of the floor) and peak memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from .common import BENCH_DIR, database_url, dialect, machine, make_app, safe_url, table, write_json

SLUG = "bench-import"
KPI_COUNT = 200


def ensure_org(app) -> list[int]:
    """The import organisation and its KPIs (created once); their ids."""
    from strategitracker.extensions import db
    from strategitracker.models import KPI, Goal, Organisation, Strategy

    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == SLUG))
        if org is None:
            org = Organisation(name="Bench Import Kommune", slug=SLUG)
            db.session.add(org)
            db.session.flush()
            strategy = Strategy(
                organisation_id=org.id, title="Importstrategi", period_start=date(1980, 1, 1),
                period_end=date(2030, 12, 31),
            )  # fmt: skip
            db.session.add(strategy)
            db.session.flush()
            goal = Goal(organisation_id=org.id, strategy_id=strategy.id, title="Importmål")
            db.session.add(goal)
            db.session.flush()
            for i in range(KPI_COUNT):
                db.session.add(
                    KPI(organisation_id=org.id, goal_id=goal.id, name=f"Importnøgletal {i + 1:03d}",
                        kind="number", direction="higher", frequency="monthly", position=i)
                )  # fmt: skip
            db.session.commit()
        ids = list(
            db.session.scalars(sa.select(KPI.id).where(KPI.organisation_id == org.id).order_by(KPI.id))
        )
        db.session.rollback()  # end the read transaction (SQLite: a reader blocks the writers)
    clean(app, ids)
    return ids


def clean(app, kpi_ids: list[int]) -> None:
    from strategitracker.extensions import db
    from strategitracker.models import AuditEvent, Measurement, Organisation

    with app.app_context():
        org_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == SLUG))
        db.session.execute(sa.delete(Measurement).where(Measurement.kpi_id.in_(kpi_ids)))
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.organisation_id == org_id))
        db.session.commit()


def write_csv(path: Path, kpi_ids: list[int], rows: int) -> None:
    months = -(-rows // len(kpi_ids))
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["KPI id", "Period", "Value", "Source"])
        written = 0
        for m in range(months):
            period = f"{1980 + m // 12}-{m % 12 + 1:02d}"
            for k in kpi_ids:
                if written == rows:
                    return
                out.writerow([k, period, f"{1000 + (k * 37 + m * 11) % 997 / 10:.1f}", "Danmarks Statistik"])
                written += 1


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(variant: str, file: Path) -> None:
    """In a subprocess: run one variant and print its figures as JSON."""
    app = make_app(database_url())
    import pandas as pd  # noqa: F401  (imported before the clock starts, as the app imports it too)

    from strategitracker.extensions import db
    from strategitracker.models import Measurement

    before = rss_mb()
    started = time.perf_counter()
    if variant == "import":
        runner = app.test_cli_runner()
        profiler = None
        if os.environ.get("BENCH_PROFILE"):
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.002)
            profiler.start()
        result = runner.invoke(args=["import", "measurements", str(file), "--org", SLUG])
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False), file=sys.stderr)
        if result.exit_code != 0:
            raise SystemExit(f"import failed: {result.output[-2000:]}")
        output = result.output.strip().splitlines()[-1]
    else:
        with app.app_context():
            frame = pd.read_csv(file)
            now = datetime.now(UTC)
            records = [
                {"kpi_id": int(k), "period": date(int(p[:4]), int(p[5:7]), 1), "value": float(v), "source": s,
                 "note": "", "out_of": None, "entered_by_id": None, "entered_at": now, "updated_at": now}
                for k, p, v, s in zip(frame["KPI id"], frame["Period"], frame["Value"], frame["Source"],
                                      strict=True)
            ]  # fmt: skip
            db.session.execute(sa.insert(Measurement), records)
            db.session.commit()
            output = f"{len(records)} rows inserted"
    seconds = time.perf_counter() - started
    print(
        json.dumps({"seconds": seconds, "rss_before_mb": before, "rss_peak_mb": rss_mb(), "output": output})
    )


def run_variant(variant: str, file: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--worker", variant, str(file)],
        cwd=BENCH_DIR.parent, env=dict(os.environ, DATABASE_URL=database_url()), capture_output=True,
        text=True, check=False, timeout=1800,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{result.stderr[-3000:]}")
    if os.environ.get("BENCH_PROFILE") and variant == "import":
        print(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant; the fastest counts")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's profile of the import")
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    if args.profile:
        os.environ["BENCH_PROFILE"] = "1"
    url = database_url()
    app = make_app(url)
    kpi_ids = ensure_org(app)
    file = BENCH_DIR / f"import-{args.rows}.csv"
    write_csv(file, kpi_ids, args.rows)
    print(f"{safe_url(url)}: {args.rows:,} rows, {file.stat().st_size / 1e6:.1f} MB CSV")
    best: dict[str, dict] = {}
    for i in range(args.repeat):
        for variant in ("floor", "import"):
            figures = run_variant(variant, file)
            clean(app, kpi_ids)
            print(f"  run {i + 1} {variant:6} {figures['seconds']:6.2f} s  "
                  f"peak {figures['rss_peak_mb']:.0f} MB  ({figures['output']})")  # fmt: skip
            if variant not in best or figures["seconds"] < best[variant]["seconds"]:
                best[variant] = figures
    floor, real = best["floor"], best["import"]
    rows = [
        [name, f"{f['seconds']:.2f}", f"{args.rows / f['seconds']:,.0f}", f"{f['rss_before_mb']:.0f}",
         f"{f['rss_peak_mb']:.0f}", f"{f['rss_peak_mb'] - f['rss_before_mb']:.0f}"]
        for name, f in (("floor: pandas.read_csv + one bulk INSERT", floor),
                        ("flask import measurements", real))
    ]  # fmt: skip
    print()
    print(table(["variant", "seconds", "rows/s", "RSS before MB", "peak RSS MB", "peak − before MB"], rows))
    ratio = floor["seconds"] / real["seconds"]
    print(f"\nimport ÷ floor (rows/s): {ratio:.0%} (target ≥ 50 %)")
    write_json(
        BENCH_DIR / f"results-import-{dialect(url)}.json",
        {"database": safe_url(url), "rows": args.rows, "floor": floor, "import": real, "ratio": ratio,
         "machine": machine()},
    )  # fmt: skip
    file.unlink()


if __name__ == "__main__":
    main()
