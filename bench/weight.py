"""Page weight: bytes on the wire for a first and a repeat load of the goal page, in headless Chromium.

    python -m bench.weight [--page goal] [--chromium /usr/bin/chromium]

The app is served by gunicorn on 127.0.0.1 against DATABASE_URL (default bench/bench.db). The log-in
happens outside the browser (its session cookie is handed to a fresh browser context), so the first load
starts with an empty cache. Every response's bytes on the wire (headers and the body as sent, i.e.
compressed when the server compressed it) come from the Chrome DevTools Protocol (Network.loadingFinished
encodedDataLength). The repeat load navigates to the page again in the same context, as following a link
to it does: what the cache holds is not fetched again.
"""

from __future__ import annotations

import argparse
import shutil
from urllib.parse import urlsplit

from .common import (
    BENCH_DIR,
    database_url,
    find_targets,
    gunicorn,
    login_session,
    make_app,
    table,
    write_json,
)

FIRST_LIMIT, REPEAT_LIMIT = 1_300_000, 30_000


def load(page, cdp, url: str) -> list[dict]:
    seen: dict[str, dict] = {}

    def on_response(event):
        r = event["response"]
        headers = {k.lower(): v for k, v in r.get("headers", {}).items()}
        seen.setdefault(event["requestId"], {}).update(
            url=r["url"],
            status=r["status"],
            type=event.get("type", ""),
            encoding=headers.get("content-encoding", ""),
            cache=headers.get("cache-control", ""),
            from_cache=bool(r.get("fromDiskCache") or r.get("fromPrefetchCache")),
        )

    def on_finished(event):
        seen.setdefault(event["requestId"], {})["bytes"] = int(event.get("encodedDataLength", 0))

    def on_cached(event):
        seen.setdefault(event["requestId"], {})["from_cache"] = True

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.requestServedFromCache", on_cached)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    cdp.remove_listener("Network.requestServedFromCache", on_cached)
    return [dict(url="?", status=0, type="", encoding="", cache="", from_cache=False, bytes=0) | r
            for r in seen.values()]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--page", default="goal", help="goal | dashboard | public | report | /any/path")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    url = database_url()
    app = make_app(url)
    targets = find_targets(app)
    path = targets["pages"].get(args.page, args.page)
    results = {}
    with gunicorn(url, count_sql=False) as base:
        session = login_session(base, targets["email"], targets["password"])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, headless=True)
            context = browser.new_context()
            host = urlsplit(base).hostname
            context.add_cookies(
                [
                    {"name": c.name, "value": c.value, "domain": host, "path": c.path or "/"}
                    for c in session.cookies
                ]
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            for label in ("first", "repeat"):
                results[label] = load(page, cdp, base + path)
            browser.close()
    limits = {"first": FIRST_LIMIT, "repeat": REPEAT_LIMIT}
    summary = {}
    for label, rows in results.items():
        total = sum(r["bytes"] for r in rows)
        summary[label] = total
        print(f"\n{label} load of {path}: {total:,} bytes on the wire (target ≤ {limits[label]:,})\n")
        print(
            table(
                ["resource", "status", "encoding", "cache-control", "from cache", "bytes"],
                [
                    [
                        urlsplit(r["url"]).path[-60:],
                        r["status"],
                        r["encoding"] or "-",
                        r["cache"][:40] or "-",
                        "yes" if r["from_cache"] else "no",
                        f"{r['bytes']:,}",
                    ]
                    for r in sorted(rows, key=lambda r: -r["bytes"])
                ],
            )  # fmt: skip
        )
    write_json(BENCH_DIR / "results-weight.json", {"page": path, "summary": summary, "loads": results})
    ok = summary["first"] <= FIRST_LIMIT and summary["repeat"] <= REPEAT_LIMIT
    verdict = "targets met" if ok else "TARGET MISSED"
    print(f"\nfirst {summary['first']:,} B, repeat {summary['repeat']:,} B: {verdict}")


if __name__ == "__main__":
    main()
