"""Import limits: how long and how much memory each hostile or largest-allowed file costs to refuse or
accept, on the command line (`flask import measurements FILE --dry-run`) and through the upload page.

    python -m bench.import_limits [--only NAME …]

Runs on a throw-away SQLite database (migrated, with the organisation and KPIs of bench.imports). Each
file is handled in its own subprocess: the figures are the wall-clock and CPU seconds of that one file
and the process's peak resident memory (VmHWM) above what the idle app held just before (VmRSS; it has
already imported openpyxl and served a page). The budget: every file up to the upload limit is refused
or accepted within 10 s and 300 MB above the idle worker.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .common import BENCH_DIR, machine, table, write_json

SLUG = "bench-import"
EMAIL = "bench-import-facilitator@example.org"
PASSWORD = "bench-password-123"


def _huge_text(megabytes: int) -> Iterator[str]:
    yield "x" * (megabytes * 1024 * 1024)


def _measurement_rows(kpi_ids: list[int], rows: int) -> Iterator[list]:
    for n in range(rows):
        k = kpi_ids[n % len(kpi_ids)]
        m = n // len(kpi_ids)
        value = round(1000 + (k * 37 + m * 11) % 997 / 10, 1)
        yield [k, f"{1980 + m // 12}-{m % 12 + 1:02d}", value, "Danmarks Statistik", f"note {n % 1000}"]


def _csv(kpi_ids: list[int], rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["KPI id", "Period", "Value", "Source", "Note"])
    writer.writerows(_measurement_rows(kpi_ids, rows))
    return out.getvalue().encode()


def _xlsx(kpi_ids: list[int], rows: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["KPI id", "Period", "Value", "Source", "Note"])
    for row in _measurement_rows(kpi_ids, rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def files(kpi_ids: list[int], config) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """name → (file name, how to make it)."""
    from tests.imports import bombs

    rows = min(config.IMPORT_MAX_ROWS, config.IMPORT_MAX_CELLS // 5 - 1)  # 5 columns (header too)
    return {
        "200 MB of empty cells in 1.6 MB": ("bomb.xlsx", lambda: bombs.workbook(bombs.empty_cells(200))),
        "one text of 200 MB": ("text.xlsx", lambda: bombs.workbook([], _huge_text(200))),
        "6,000,000 empty rows": ("rows6m.xlsx", lambda: bombs.workbook(bombs.empty_rows(6_000_000))),
        "1,000,000 empty rows (under the size limit)": (
            "rows.xlsx",
            lambda: bombs.workbook(bombs.empty_rows(1_000_000)),
        ),
        "rows padded to column XFD": ("far.xlsx", lambda: bombs.workbook(bombs.far_cells(20_000))),
        "300,000 distinct texts": ("strings.xlsx", lambda: bombs.workbook([], bombs.many_strings(300_000))),
        f"read to the end: {config.IMPORT_MAX_SHEET_ROWS - 2:,} empty rows": (
            "rows-limit.xlsx",
            lambda: bombs.workbook(bombs.empty_rows(config.IMPORT_MAX_SHEET_ROWS - 2)),
        ),
        f"accepted: {rows:,} rows × 5 columns, CSV": ("rows.csv", lambda: _csv(kpi_ids, rows)),
        f"accepted: {rows:,} rows × 5 columns, xlsx": ("rows-max.xlsx", lambda: _xlsx(kpi_ids, rows)),
    }


def _memory_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak so far) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _bench_app(url: str):
    import config
    from strategitracker import create_app

    class LimitsConfig(config.Config):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"

    return create_app(LimitsConfig)


def worker(url: str, path: Path, via: str) -> None:
    """In a subprocess: handle one file once and print the figures as JSON."""
    import openpyxl  # noqa: F401  (the idle worker has it: every workbook upload needs it)

    app = _bench_app(url)
    client = app.test_client()
    if via == "web":
        client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    client.get("/healthz")
    before, cpu, started = _memory_mb("VmRSS"), _cpu(), time.perf_counter()
    if via == "web":
        with path.open("rb") as handle:
            response = client.post(
                f"/o/{SLUG}/imports/measurements",
                data={"file": (handle, path.name)},
                content_type="multipart/form-data",
            )
        answer = f"{response.status_code}"
        if response.status_code == 400:
            answer += " " + _first_problem(response.get_data(as_text=True))
    else:
        result = app.test_cli_runner().invoke(
            args=["import", "measurements", str(path), "--org", SLUG, "--dry-run", "--accept-valid"]
        )
        lines = result.output.strip().splitlines()  # "Reading …", the reason or the counts, the verdict
        answer = " / ".join(line for line in lines[1:] if not line.startswith("Checking"))
    figures = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu() - cpu,
        "rss_growth_mb": _memory_mb("VmHWM") - before,
        "answer": answer[:200],
    }
    print(json.dumps(figures))


def _first_problem(html: str) -> str:
    """The first reason the upload page gives."""
    import re

    found = re.search(r'id="problems-heading".*?<li>(.*?)</li>', html, re.S)
    return " ".join(found.group(1).split()) if found else "(no message found)"


def _prepare_database(url: str) -> list[int]:
    from flask_migrate import upgrade

    from strategitracker.extensions import db
    from strategitracker.services import accounts

    from .imports import ensure_org

    app = _bench_app(url)
    with app.app_context():
        upgrade()
    kpi_ids = ensure_org(app)
    with app.app_context():
        org = accounts.get_organisation(SLUG)
        user = accounts.create_user(EMAIL, name="Bench Facilitator", password=PASSWORD)
        accounts.add_membership(user, org, "facilitator")
        db.session.commit()
    return kpi_ids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", help="names (or parts of names) of the files to run")
    parser.add_argument("--worker", nargs=3, metavar=("URL", "FILE", "VIA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), args.worker[2])
        return
    import config

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'limits.db'}"
        os.environ["INSTANCE_PATH"] = tmp
        kpi_ids = _prepare_database(url)
        rows, results = [], {}
        for name, (filename, make) in files(kpi_ids, config.Config).items():
            if args.only and not any(part in name for part in args.only):
                continue
            path = Path(tmp) / filename
            path.write_bytes(make())
            for via in ("cli", "web"):
                done = subprocess.run(
                    [sys.executable, "-m", "bench.import_limits", "--worker", url, str(path), via],
                    cwd=BENCH_DIR.parent, capture_output=True, text=True, check=False, timeout=900,
                    env=dict(os.environ, INSTANCE_PATH=tmp),
                )  # fmt: skip
                if done.returncode != 0:
                    raise SystemExit(f"{name} via {via} failed:\n{done.stderr[-3000:]}")
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                results[f"{name} ({via})"] = figures
                rows.append(
                    [name, f"{path.stat().st_size / 1e6:.1f}", via, f"{figures['seconds']:.2f}",
                     f"{figures['cpu_seconds']:.2f}", f"{figures['rss_growth_mb']:.0f}", figures["answer"]]
                )  # fmt: skip
                print(" | ".join(rows[-1]), flush=True)
            path.unlink()
    print()
    print(table(["file", "MB", "via", "seconds", "CPU s", "peak RSS growth MB", "answer"], rows))
    write_json(BENCH_DIR / "results-import-limits.json", {"files": results, "machine": machine()})


if __name__ == "__main__":
    main()
