"""Shared helpers for the benchmarks: database URL, the app, probe targets, a gunicorn server, figures."""

from __future__ import annotations

import json
import os
import platform
import re
import runpy
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import urlopen

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
DEFAULT_DB = f"sqlite:///{BENCH_DIR / 'bench.db'}"
PASSWORD = "bench-password-123"  # the demo log-ins of generated data; printed by bench.generate
PROBE_SLUG = "bench-001"
HOST = "127.0.0.1"


def database_url(url: str | None = None, orgs: int | None = None) -> str:
    """`url`, else DATABASE_URL, else the SQLite file bench/bench.db (bench/bench<N>.db for --orgs N > 1)."""
    if url or os.environ.get("DATABASE_URL"):
        return url or os.environ["DATABASE_URL"]
    return DEFAULT_DB if not orgs or orgs == 1 else f"sqlite:///{BENCH_DIR / f'bench{orgs}.db'}"


def safe_url(url: str) -> str:
    """The URL without a password, for printing."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def make_app(url: str | None = None):
    """The app (config.Config) against `url`; DATABASE_URL is set before create_app reads config."""
    os.environ["DATABASE_URL"] = database_url(url)
    import config  # noqa: F401  (reads DATABASE_URL at import time)
    from strategitracker import create_app

    class BenchConfig(config.Config):
        SQLALCHEMY_DATABASE_URI = database_url(url)

    return create_app(BenchConfig)


def as_gunicorn_worker() -> None:
    """Sets the garbage collector as gunicorn.conf.py sets it in each worker once the app is loaded (what
    was built frozen, young objects collected less often): an in-process figure is then what a served
    request costs, full collections included at the rate a worker has them."""
    runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["post_worker_init"](None)


def dialect(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


def admin_email(n: int) -> str:
    return f"bench-admin-{n}@example.org"


def org_slug(n: int) -> str:
    return f"bench-{n:03d}"


def find_targets(app) -> dict[str, Any]:
    """The probe organisation's URLs, looked up in the database (the generator also writes targets.json)."""
    import sqlalchemy as sa

    from strategitracker.extensions import db
    from strategitracker.models import Goal, Organisation, Strategy

    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == PROBE_SLUG))
        if org is None:
            raise SystemExit(f"No probe organisation {PROBE_SLUG!r}: run `python -m bench.generate` first.")
        strategy = db.session.scalar(
            sa.select(Strategy)
            .where(Strategy.organisation_id == org.id, Strategy.published.is_(True))
            .order_by(Strategy.id)
        )
        goal = db.session.scalar(
            sa.select(Goal).where(Goal.strategy_id == strategy.id).order_by(Goal.position, Goal.id)
        )
        orgs = db.session.scalar(  # the generated ones (bench.imports adds "bench-import")
            sa.select(sa.func.count()).select_from(Organisation).where(Organisation.slug != "bench-import")
        )
        return {
            "orgs": orgs,
            "email": admin_email(1),
            "password": PASSWORD,
            "pages": {
                "healthz": "/healthz",
                "dashboard": f"/o/{org.slug}/strategies/{strategy.id}/dashboard",
                "goal": f"/o/{org.slug}/goals/{goal.id}",
                "public": f"/public/{org.slug}/strategies/{strategy.id}",
                "public_goal": f"/public/{org.slug}/strategies/{strategy.id}/goals/{goal.id}",
                "report": f"/o/{org.slug}/strategies/{strategy.id}/report",
            },
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str, *, workers: int = 2, count_sql: bool = True, extra_env: dict | None = None):
    """Serve the app with gunicorn on 127.0.0.1 (a free port) against `url`; yields the base URL."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-not-secret",
        LOGIN_RATE_LIMIT="100000 per minute",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    if count_sql:
        env["BENCH_COUNT_SQL"] = "1"
    env.update(extra_env or {})
    exe = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    cmd = [
        exe,
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "300",
        "--config",
        str(PROJECT_ROOT / "gunicorn.conf.py"),  # as in production (README)
        "strategitracker:create_app()",
    ]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy machine starts slowly
        while True:
            try:
                with urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def login_session(base: str, email: str, password: str):
    """A requests.Session logged in through the real log-in form (with its CSRF token)."""
    import requests

    session = requests.Session()
    page = session.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    data = {"email": email, "password": password}
    if token:
        data["csrf_token"] = token.group(1)
    response = session.post(base + "/login", data=data, timeout=30, allow_redirects=False)
    if response.status_code not in (302, 303):
        raise SystemExit(f"log-in as {email} failed ({response.status_code})")
    return session


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, str]:
    """The machine the figures were measured on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    return {
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def postgres_version(app) -> str | None:
    import sqlalchemy as sa

    from strategitracker.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None
        return db.session.scalar(sa.text("SHOW server_version"))


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join([line, sep, *body])


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
