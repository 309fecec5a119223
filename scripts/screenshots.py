"""Screenshots for the README: the Thisted case in headless Chromium, saved to docs/img/.

    .venv/bin/python scripts/screenshots.py [--out docs/img] [--locale da|en] [--extra]

Serves the app on 127.0.0.1 (a free port) against a temporary SQLite database seeded with the Thisted case,
logs in as the demo viewer through the log-in form and saves

    strategy.png   the strategy page (the top of it)
    goal.png       the goal page of the DI goal (the top of its charts)
    dashboard.png  the strategy's dashboard (its goal tiles)
    di-rank.png    Thisted's rank in DI's survey 2015–2023, the chart alone
    (--extra)      timeline.png (the action-plan timeline) and peers.png (Thisted beside other municipalities)

It needs Playwright for Python and Debian's Chromium at /usr/bin/chromium (`make browser`); it touches no
database but its own temporary one, and compiles the translation catalogues first (as `make run` does).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
DI_KPI = "Placering i DI's måling – samlet"
MAX_BYTES = 200_000  # the README's images stay small


def compile_catalogues() -> None:
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent)) or shutil.which("pybabel")
    if pybabel:
        subprocess.run(
            [pybabel, "compile", "-d", str(ROOT / "strategitracker" / "translations")],
            check=False,
            capture_output=True,
        )


def seeded_app(tmp: Path, password: str):
    """The app on a new SQLite database in `tmp`, migrated and seeded; returns (app, ids)."""
    os.environ["DEMO_PASSWORD"] = password
    os.environ.setdefault("INSTANCE_PATH", str(tmp))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from config import Config
    from strategitracker import create_app
    from strategitracker.extensions import db
    from strategitracker.models import KPI, Organisation, Strategy
    from strategitracker.services.seed import demo_email, seed_thisted

    class ScreenshotConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'screenshots.db'}"
        RATELIMIT_ENABLED = False

    app = create_app(ScreenshotConfig)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_thisted()
        db.session.commit()
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "thisted"))
        strategy = db.session.scalar(sa.select(Strategy).where(Strategy.organisation_id == org.id))
        kpi = db.session.scalar(sa.select(KPI).where(KPI.organisation_id == org.id, KPI.name == DI_KPI))
        ids = {
            "slug": org.slug,
            "strategy": strategy.id,
            "goal": kpi.goal_id,
            "kpi": kpi.id,
            "email": demo_email("viewer"),
        }
        db.session.remove()
    return app, ids


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def shoot(base: str, ids: dict, password: str, out: Path, locale: str, extra: bool = False) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=base,
            viewport=VIEWPORT,
            device_scale_factor=1,
            locale="da-DK" if locale == "da" else "en-GB",
            timezone_id="Europe/Copenhagen",
        )
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", ids["email"])
        page.fill("input[name=password]", password)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_load_state()
        if locale == "en":
            page.locator("button[name=locale][value=en]").click()
            page.wait_for_load_state()

        def save(name: str, target, from_selector: str | None = None) -> None:
            """Save `target` (the page: the viewport's size, from the top or from `from_selector`)."""
            path = out / name
            if from_selector:
                top = page.evaluate(
                    "s => document.querySelector(s).getBoundingClientRect().top + window.scrollY - 16",
                    from_selector,
                )
                clip = {"x": 0, "y": top, **VIEWPORT}
                target.screenshot(path=str(path), animations="disabled", full_page=True, clip=clip)
            else:
                target.screenshot(path=str(path), animations="disabled")
            saved.append(path)

        slug = ids["slug"]
        page.goto(f"/o/{slug}/strategies/{ids['strategy']}")
        save("strategy.png", page)

        page.goto(f"/o/{slug}/strategies/{ids['strategy']}/dashboard")
        for chart in page.locator("div.chart").all():
            expect(chart.locator("svg.main-svg").first).to_be_attached()
        save("dashboard.png", page, "#goals-heading")

        page.goto(f"/o/{slug}/goals/{ids['goal']}")
        chart = page.locator(f"#chart-kpi-{ids['kpi']}")
        expect(chart.locator("svg.main-svg").first).to_be_attached()
        save("goal.png", page, "#charts-heading")

        chart.scroll_into_view_if_needed()
        page.mouse.move(0, 0)  # no hover label, no mode bar
        save("di-rank.png", chart)

        if extra:
            page.goto(f"/o/{slug}/strategies/{ids['strategy']}/timeline")
            expect(page.locator("div.chart svg.main-svg").first).to_be_attached()
            save("timeline.png", page, "div.chart")
            page.goto(f"/o/{slug}/kpis/{ids['kpi']}/peers")
            expect(page.locator("div.chart svg.main-svg").first).to_be_attached()
            save("peers.png", page, "div.chart")
        context.close()
        browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where to save (docs/img)")
    parser.add_argument("--locale", choices=("da", "en"), default="da", help="the UI language (da)")
    parser.add_argument("--extra", action="store_true", help="also timeline.png and peers.png")
    args = parser.parse_args()
    compile_catalogues()
    password = "screens-" + secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory() as tmp:
        app, ids = seeded_app(Path(tmp), password)
        server, thread, base = serve(app)
        try:
            saved = shoot(base, ids, password, args.out, args.locale, args.extra)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            with app.app_context():
                from strategitracker.extensions import db

                db.engine.dispose()
    too_big = False
    for path in saved:
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size / 1000:.0f} kB")
        too_big |= path.name == "di-rank.png" and size >= MAX_BYTES
    if too_big:
        print(f"di-rank.png is {MAX_BYTES / 1000:.0f} kB or more", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
