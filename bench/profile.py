"""Profile one page in-process with pyinstrument, logged in as the probe organisation's admin.

    python -m bench.profile goal|dashboard|public|report|/any/path [--repeat 3] [--html out.html]

Against DATABASE_URL (default bench/bench.db). Prints the SQL statement count and the time of each
request, then pyinstrument's call tree of the last one.
"""

from __future__ import annotations

import argparse
import os
import time

from .common import as_gunicorn_worker, database_url, find_targets, make_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("page")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--html", default=None, help="also write pyinstrument's HTML report here")
    parser.add_argument("--interval", type=float, default=0.001)
    args = parser.parse_args(argv)
    os.environ["BENCH_COUNT_SQL"] = "1"
    os.environ.setdefault("LOGIN_RATE_LIMIT", "100000 per minute")
    from pyinstrument import Profiler

    app = make_app(database_url())
    app.config["WTF_CSRF_ENABLED"] = False
    targets = find_targets(app)
    path = targets["pages"].get(args.page, args.page)
    client = app.test_client()
    response = client.post("/login", data={"email": targets["email"], "password": targets["password"]})
    assert response.status_code in (302, 303), response.status_code
    as_gunicorn_worker()
    profiler = Profiler(interval=args.interval)
    for i in range(args.repeat):
        last = i == args.repeat - 1
        if last:
            profiler.start()
        began = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - began) * 1000
        if last:
            profiler.stop()
        print(
            f"GET {path}: {response.status_code}, {len(response.data):,} bytes, "
            f"{response.headers.get('X-SQL-Statements')} SQL statements, {took:.0f} ms"
        )
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as handle:
            handle.write(profiler.output_html())


if __name__ == "__main__":
    main()
