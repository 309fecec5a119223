"""Page benchmark: requests/s, latency, SQL statements and bytes of the main pages, against /healthz.

    python -m bench.pages [--orgs 1|98]            # DATABASE_URL, else bench/bench.db or bench/bench98.db
    python -m bench.pages --compare URL_1 URL_98   # both, one after the other, and the ratio between them

The app is served by gunicorn (2 workers, BENCH_COUNT_SQL=1 so that each response says how many SQL
statements it ran) on 127.0.0.1; locust (headless) drives --users concurrent logged-in clients through one
phase per page (/healthz, the strategy dashboard, a goal page, the public strategy page, a public goal
page, the council report), --seconds each after --warmup seconds. The probe pages belong to organisation
bench-001 (bench.generate). Results are saved to bench/results-<database>-<orgs>.json; when the results at
1 and at 98 organisations of the same database exist, their ratio is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .common import (
    BENCH_DIR,
    database_url,
    dialect,
    find_targets,
    gunicorn,
    machine,
    make_app,
    median,
    percentile,
    postgres_version,
    safe_url,
    table,
    write_json,
)

PAGE_ORDER = ("healthz", "dashboard", "goal", "public", "public_goal", "report")


def run_locust(base: str, targets: dict[str, Any], *, users: int, seconds: float, warmup: float) -> dict:
    """One locust run per page, one after the other against the same server, so that no slow page's
    requests are still running when the next page is measured."""
    results: dict = {}
    for name in PAGE_ORDER:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "locust.json"
            env = dict(os.environ)
            env.update(
                BENCH_PAGES=json.dumps([[name, targets["pages"][name]]]),
                BENCH_SECONDS=str(seconds),
                BENCH_WARMUP=str(warmup),
                BENCH_EMAIL=targets["email"],
                BENCH_PASSWORD=targets["password"],
                BENCH_OUT=str(out),
                BENCH_USERS=str(users),
            )
            budget = seconds + warmup + 120
            cmd = [
                sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
                "--headless", "--host", base, "--users", str(users), "--spawn-rate", str(users),
                "--run-time", f"{int(budget)}s", "--only-summary", "--loglevel", "WARNING",
                "--stop-timeout", "60",
            ]  # fmt: skip
            subprocess.run(
                cmd,
                env=env,
                check=False,
                timeout=budget + 90,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if not out.exists():
                raise SystemExit(f"locust wrote no results for {name}")
            results.update(json.loads(out.read_text()))
    return results


def summarise(raw: dict) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for name in PAGE_ORDER:
        records = raw[name]["records"]
        latencies = [r[0] for r in records]
        ok = [r for r in records if r[2] == 200]
        sql = sorted({r[3] for r in records})
        figures[name] = {
            "requests": len(records),
            "errors": len(records) - len(ok),
            "rps": len(records) / raw[name]["window"],
            "p50": median(latencies),
            "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99),
            "sql": sql[0] if len(sql) == 1 else sql,
            "bytes": int(median([r[1] for r in records])) if records else 0,
            "cpu_ms": median([r[4] for r in records if len(r) > 4]),
        }
    base = figures["healthz"]
    for f in figures.values():
        f["rps_vs_healthz"] = f["rps"] / base["rps"] if base["rps"] else float("nan")
        f["p95_vs_healthz"] = f["p95"] / base["p95"] if base["p95"] else float("nan")
        f["cpu_vs_healthz"] = base["cpu_ms"] / f["cpu_ms"] if f["cpu_ms"] else float("nan")
    return figures


def print_figures(label: str, figures: dict[str, dict[str, Any]]) -> None:
    rows = [
        [
            name,
            f"{f['rps']:.1f}",
            f"{f['p50']:.1f}",
            f"{f['p95']:.1f}",
            f"{f['p99']:.1f}",
            f["sql"],
            f"{f['bytes']:,}",
            f"{f['rps_vs_healthz']:.1%}",
            f"{f['p95_vs_healthz']:.1f}×",
            f"{f['cpu_ms']:.1f}",
            f"{f['cpu_vs_healthz']:.1%}",
            f["errors"],
        ]
        for name, f in figures.items()
    ]
    headers = ["page", "req/s", "p50 ms", "p95 ms", "p99 ms", "SQL", "bytes", "req/s÷healthz", "p95÷healthz",
               "server CPU ms", "healthz CPU÷page CPU", "errors"]  # fmt: skip
    print(f"\n{label}\n")
    print(table(headers, rows))


def print_comparison(db: str) -> None:
    one, many = BENCH_DIR / f"results-{db}-1.json", BENCH_DIR / f"results-{db}-98.json"
    if not (one.exists() and many.exists()):
        return
    a, b = json.loads(one.read_text())["pages"], json.loads(many.read_text())["pages"]
    rows = []
    for name in (n for n in PAGE_ORDER if n in a and n in b):  # a page added since is in one file only
        rows.append(
            [
                name,
                f"{a[name]['rps']:.1f} → {b[name]['rps']:.1f}",
                f"{a[name]['rps'] / b[name]['rps']:.2f}×" if b[name]["rps"] else "-",
                f"{a[name]['p95']:.1f} → {b[name]['p95']:.1f}",
                f"{b[name]['p95'] / a[name]['p95']:.2f}×" if a[name]["p95"] else "-",
                f"{a[name]['sql']} → {b[name]['sql']}",
                f"{a[name]['cpu_ms']:.1f} → {b[name]['cpu_ms']:.1f}",
                f"{b[name]['cpu_ms'] / a[name]['cpu_ms']:.2f}×" if a[name]["cpu_ms"] else "-",
            ]
        )
    print(f"\n{db}: 1 organisation → 98 organisations (cost ratio = req/s at 1 ÷ req/s at 98)\n")
    print(
        table(
            ["page", "req/s", "cost ratio", "p95 ms", "p95 ratio", "SQL", "server CPU ms", "CPU ratio"], rows
        )
    )


def bench(url: str, args) -> dict[str, Any]:
    app = make_app(url)
    targets = find_targets(app)
    pg = postgres_version(app)
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
    with gunicorn(url, workers=args.workers) as base:
        raw = run_locust(base, targets, users=args.users, seconds=args.seconds, warmup=args.warmup)
    figures = summarise(raw)
    db = dialect(url)
    label = (
        f"{db}{' ' + pg if pg else ''}, {targets['orgs']} organisation(s), {args.users} clients, "
        f"{args.workers} gunicorn workers, {args.seconds:g} s per page ({safe_url(url)})"
    )
    print_figures(label, figures)
    result = {
        "database": safe_url(url),
        "dialect": db,
        "postgres": pg,
        "orgs": targets["orgs"],
        "users": args.users,
        "workers": args.workers,
        "seconds": args.seconds,
        "machine": machine(),
        "pages": figures,
        "paths": targets["pages"],
    }
    if targets["orgs"] in (1, 98):
        write_json(BENCH_DIR / f"results-{db}-{targets['orgs']}.json", result)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--compare", nargs=2, metavar=("URL_1", "URL_98"), help="two databases, one run each")
    parser.add_argument("--users", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per page (default 10)")
    parser.add_argument(
        "--warmup", type=float, default=2, help="unrecorded seconds per page first (default 2)"
    )
    parser.add_argument(
        "--orgs", type=int, default=None, help="without DATABASE_URL: bench/bench<N>.db (1: bench/bench.db)"
    )
    args = parser.parse_args(argv)
    urls = args.compare or [database_url(orgs=args.orgs)]
    dbs = set()
    for url in urls:
        result = bench(url, args)
        if args.orgs is not None and result["orgs"] != args.orgs:
            print(f"warning: {safe_url(url)} has {result['orgs']} organisations, not {args.orgs}")
        dbs.add(result["dialect"])
    for db in sorted(dbs):
        print_comparison(db)


if __name__ == "__main__":
    main()
