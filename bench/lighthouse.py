"""Browser benchmark: Lighthouse (mobile preset) on the chart pages, in the system Chromium.

    python -m bench.lighthouse [--orgs 1] [--runs N] [--pages goal,dashboard,...]

Serves the app with gunicorn against the bench.generate data (DATABASE_URL, else bench/bench.db), logs in
as the probe organisation's administrator through the real log-in form (as bench.pages does) and hands the
session cookie to Lighthouse (--extra-headers). Lighthouse is npm's `lighthouse` pinned in package.json
(`npm install`; LIGHTHOUSE_BIN names another binary), Chromium is CHROME_PATH (default /usr/bin/chromium),
run headless. Each page is loaded once before it is measured, so the server's page cache is warm and what
is measured is the browser's side. Per page it prints the performance score, total blocking time, DOM
elements, bytes transferred (all, and the HTML alone) and the accessibility score; the median of --runs runs.
Results are saved to bench/lighthouse-<database>-<orgs>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .common import (
    BENCH_DIR,
    PROJECT_ROOT,
    database_url,
    dialect,
    find_targets,
    gunicorn,
    login_session,
    machine,
    make_app,
    median,
    safe_url,
    table,
    write_json,
)

PAGE_ORDER = ("goal", "dashboard", "public", "public_goal", "report")
CHROME_FLAGS = "--headless=new --no-sandbox"


def lighthouse_bin() -> str:
    """LIGHTHOUSE_BIN, else the one package.json installs."""
    found = os.environ.get("LIGHTHOUSE_BIN") or str(PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse")
    if not Path(found).exists():
        raise SystemExit(f"No Lighthouse at {found}: run `npm install` (or set LIGHTHOUSE_BIN).")
    return found


def run_lighthouse(url: str, cookie: str, out: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("CHROME_PATH", "/usr/bin/chromium")
    cmd = [
        lighthouse_bin(), url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}", "--max-wait-for-load=90000",
    ]  # fmt: skip
    subprocess.run(cmd, env=env, check=True, timeout=600, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def _number(audits: dict[str, Any], name: str) -> float:
    return audits.get(name, {}).get("numericValue", float("nan"))


def figures_of(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of one Lighthouse report (NaN for what a failed run could not measure)."""
    audits, categories = report["audits"], report["categories"]
    requests = (audits.get("network-requests", {}).get("details") or {}).get("items", [])
    html = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Document")
    error = report.get("runtimeError") or {}
    if not error and "numericValue" not in audits.get("total-blocking-time", {}):
        error = {"code": audits.get("total-blocking-time", {}).get("errorMessage", "no TBT")[:60]}
    return {
        "performance": round((categories["performance"]["score"] or 0) * 100),
        "tbt_ms": _number(audits, "total-blocking-time"),
        "fcp_ms": _number(audits, "first-contentful-paint"),
        "lcp_ms": _number(audits, "largest-contentful-paint"),
        "si_ms": _number(audits, "speed-index"),
        "cls": _number(audits, "cumulative-layout-shift"),
        "dom": _number(audits, "dom-size"),
        "bytes": _number(audits, "total-byte-weight"),
        "html_bytes": html,
        "accessibility": round((categories["accessibility"]["score"] or 0) * 100),
        "status": error.get("code", "ok"),
    }


def measure(base: str, path: str, cookie: str, runs: int) -> dict[str, Any]:
    import requests

    warm = requests.get(base + path, headers={"Cookie": cookie}, timeout=300)  # fills the page cache
    if warm.status_code != 200:
        return {"status": warm.status_code}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            results.append(figures_of(run_lighthouse(base + path, cookie, Path(tmp) / f"lh-{i}.json")))
    merged: dict[str, Any] = {key: median([r[key] for r in results]) for key in results[0] if key != "status"}
    merged["status"] = results[0]["status"]
    return merged


def print_figures(label: str, figures: dict[str, dict[str, Any]], paths: dict[str, str]) -> None:
    rows = []
    for name, f in figures.items():
        if "performance" not in f:
            rows.append([name, paths[name], *["-"] * 10, f"HTTP {f['status']}"])
            continue
        rows.append(
            [
                name,
                paths[name],
                f"{f['performance']:.0f}",
                f"{f['tbt_ms']:,.0f}",
                f"{f['fcp_ms']:,.0f}",
                f"{f['lcp_ms']:,.0f}",
                f"{f['si_ms']:,.0f}",
                f"{f['cls']:.3f}",
                f"{f['dom']:,.0f}",
                f"{f['bytes'] / 1024:,.0f}",
                f"{f['html_bytes'] / 1024:,.1f}",
                f"{f['accessibility']:.0f}",
                f["status"],
            ]
        )
    headers = ["page", "path", "performance", "TBT ms", "FCP ms", "LCP ms", "SI ms", "CLS",
               "DOM elements", "transferred KiB", "HTML KiB", "accessibility", "status"]  # fmt: skip
    print(f"\n{label}\n")
    print(table(headers, rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=None, help="without DATABASE_URL: bench/bench<N>.db")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median; default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--pages", default=",".join(PAGE_ORDER), help="comma-separated, of " + ", ".join(PAGE_ORDER)
    )
    args = parser.parse_args(argv)
    lighthouse_bin()
    url = database_url(orgs=args.orgs)
    app = make_app(url)
    targets = find_targets(app)
    paths = targets["pages"]
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
    names = [n for n in args.pages.split(",") if n in paths]
    figures: dict[str, dict[str, Any]] = {}
    with gunicorn(url, workers=args.workers, count_sql=False) as base:
        session = login_session(base, targets["email"], targets["password"])
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        for name in names:
            figures[name] = measure(base, paths[name], cookie, args.runs)
            print(name, figures[name], flush=True)
    label = (
        f"Lighthouse mobile, {dialect(url)}, {targets['orgs']} organisation(s), median of {args.runs} run(s)"
    )
    print_figures(label, figures, paths)
    write_json(
        BENCH_DIR / f"lighthouse-{dialect(url)}-{targets['orgs']}.json",
        {
            "database": safe_url(url),
            "runs": args.runs,
            "machine": machine(),
            "pages": figures,
            "paths": paths,
        },
    )


if __name__ == "__main__":
    main()
