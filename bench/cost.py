"""CPU cost per page, in-process: a figure that holds when the machine is busy (wall-clock figures do not).

    python -m bench.cost [--repeat 15] [URL ...]     # default: DATABASE_URL (bench/bench.db)
    python -m bench.cost --accept-encoding "gzip, deflate, br, zstd"   # as a browser asks (default: gzip)

For each database: log in as the probe organisation's admin through Flask's test client, request each page
--repeat times (after one warm-up request) and print the median CPU time of the process per request
(time.process_time: what the request costs a worker, whatever else runs on the machine), the SQL
statements (X-SQL-Statements), the body size and, per page, the cost relative to /healthz. With two or
more databases it also prints each page's cost relative to the first database.

Pages with a cached part (page_cache.py) are measured three times: as a reader usually gets them (the part
cached by an earlier view); as the first view after a change of the data gets them ("built": the cache is
emptied before each of those requests, outside the timing, so nothing is kept); and after one change
("changed": one measurement of the probe goal's first KPI is moved by 0.5 and back, committed through the
ORM outside the timing, so the data version moves and what the change did not touch may still be kept).
The database ends as it began. The garbage collector is set as in a gunicorn worker (gunicorn.conf.py):
without it, a full collection walks everything the app loaded every few chart pages (60 to 80 ms).
"""

from __future__ import annotations

import argparse
import os
import time

import sqlalchemy as sa

from strategitracker.extensions import cache, compressed_pages, db
from strategitracker.models import KPI, Measurement

from .common import as_gunicorn_worker, database_url, find_targets, make_app, median, safe_url, table
from .pages import PAGE_ORDER


def _change_one_measurement(app, targets: dict, by: float) -> None:
    """Moves the latest measurement of the probe goal's first KPI by `by` (a change a reader would make)."""
    goal_id = int(targets["pages"]["goal"].rsplit("/", 1)[1])
    with app.app_context():
        kpi_id = db.session.scalar(sa.select(KPI.id).where(KPI.goal_id == goal_id).order_by(KPI.id).limit(1))
        measurement = db.session.scalars(
            sa.select(Measurement)
            .where(Measurement.kpi_id == kpi_id)
            .order_by(Measurement.period.desc())
            .limit(1)
        ).one()
        measurement.value += by
        db.session.commit()


def measure(url: str, repeat: int, accept_encoding: str = "gzip") -> dict:
    os.environ["BENCH_COUNT_SQL"] = "1"
    os.environ.setdefault("LOGIN_RATE_LIMIT", "100000 per minute")
    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    targets = find_targets(app)
    client = app.test_client()
    response = client.post("/login", data={"email": targets["email"], "password": targets["password"]})
    assert response.status_code in (302, 303), response.status_code
    as_gunicorn_worker()
    out = {"orgs": targets["orgs"], "pages": {}}
    for name in PAGE_ORDER:
        path = targets["pages"][name]
        client.get(path)
        cpu, wall = [], []
        for _ in range(repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            response = client.get(path, headers={"Accept-Encoding": accept_encoding})
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        built_cpu = []
        for _ in range(repeat):
            with app.app_context():
                cache.clear()
                compressed_pages.clear()
            c0 = time.process_time()
            built = client.get(path, headers={"Accept-Encoding": accept_encoding})
            built_cpu.append((time.process_time() - c0) * 1000)
        changed_cpu = []
        for step in range(repeat):
            _change_one_measurement(app, targets, +0.5 if step % 2 == 0 else -0.5)
            c0 = time.process_time()
            client.get(path, headers={"Accept-Encoding": accept_encoding})
            changed_cpu.append((time.process_time() - c0) * 1000)
        if repeat % 2:
            _change_one_measurement(app, targets, -0.5)
        raw = client.get(path)
        out["pages"][name] = {
            "changed_cpu_ms": median(changed_cpu),
            "built_cpu_ms": median(built_cpu),
            "built_sql": int(built.headers.get("X-SQL-Statements", -1)),
            "cpu_ms": median(cpu),
            "wall_ms": median(wall),
            "sql": int(response.headers.get("X-SQL-Statements", -1)),
            "bytes": len(raw.data),
            "sent_bytes": len(response.data),
            "status": response.status_code,
        }
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--accept-encoding", default="gzip", help='as a browser sends it, e.g. "gzip, deflate, br, zstd"'
    )
    args = parser.parse_args(argv)
    urls = args.urls or [database_url()]
    results = [(url, measure(url, args.repeat, args.accept_encoding)) for url in urls]
    for url, result in results:
        pages = result["pages"]
        base = pages["healthz"]["cpu_ms"]
        print(f"\n{safe_url(url)}: {result['orgs']} organisation(s), median of {args.repeat} requests\n")
        print(
            table(
                [
                    "page",
                    "CPU ms",
                    "wall ms",
                    "SQL",
                    "built: CPU ms",
                    "built: SQL",
                    "changed: CPU ms",
                    "bytes",
                    "bytes sent",
                    "healthz CPU ÷ page CPU",
                ],
                [
                    [
                        name,
                        f"{p['cpu_ms']:.1f}",
                        f"{p['wall_ms']:.1f}",
                        p["sql"],
                        f"{p['built_cpu_ms']:.1f}",
                        p["built_sql"],
                        f"{p['changed_cpu_ms']:.1f}",
                        f"{p['bytes']:,}",
                        f"{p['sent_bytes']:,}",
                        f"{base / p['cpu_ms']:.1%}",
                    ]
                    for name, p in pages.items()
                ],
            )  # fmt: skip
        )
    if len(results) > 1:
        first, rest = results[0][1], results[1:]
        for _url, result in rest:
            print(f"\n{result['orgs']} organisations ÷ {first['orgs']} (CPU per request)\n")
            print(
                table(
                    ["page", f"CPU ms at {first['orgs']}", f"CPU ms at {result['orgs']}", "ratio", "SQL"],
                    [
                        [
                            name,
                            f"{first['pages'][name]['cpu_ms']:.1f}",
                            f"{p['cpu_ms']:.1f}",
                            f"{p['cpu_ms'] / first['pages'][name]['cpu_ms']:.2f}×",
                            f"{first['pages'][name]['sql']} → {p['sql']}",
                        ]
                        for name, p in result["pages"].items()
                    ],
                )  # fmt: skip
            )


if __name__ == "__main__":
    main()
