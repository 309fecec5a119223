"""The load that bench.pages drives with locust (headless): one phase per page, the same clients for all.

Configured by bench.pages through environment variables (BENCH_*). Every simulated user logs in once
through the real log-in form, then requests the current phase's page as fast as it is answered (no think
time). The first BENCH_WARMUP seconds of each phase are not recorded. Each recorded request keeps its
latency, body size, status and the server's X-SQL-Statements header; the lot is written as JSON to
BENCH_OUT when locust quits.
"""

from __future__ import annotations

import json
import os
import re
import time

from gevent.lock import Semaphore
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

PAGES: list[list[str]] = json.loads(os.environ.get("BENCH_PAGES", '[["healthz", "/healthz"]]'))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
EMAIL = os.environ.get("BENCH_EMAIL", "")
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
OUT = os.environ.get("BENCH_OUT", "bench-locust.json")
USERS = int(os.environ.get("BENCH_USERS", "1"))
PHASE = SECONDS + WARMUP

state: dict = {"start": None, "done": 0}
LOGIN = Semaphore()  # one log-in at a time (each writes; SQLite has one writer)
records: dict[str, list[tuple[float, int, int, int, float]]] = {name: [] for name, _ in PAGES}
windows: dict[str, list[float]] = {name: [float("inf"), 0.0] for name, _ in PAGES}


class PageUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        if EMAIL:
            with LOGIN:
                self._login()
        if state["start"] is None:
            state["start"] = time.perf_counter()

    def _login(self) -> None:
        if EMAIL:
            page = self.client.get("/login", name="login")
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text or "")
            data = {"email": EMAIL, "password": PASSWORD}
            if token:
                data["csrf_token"] = token.group(1)
            response = self.client.post("/login", data=data, name="login")
            if "/login" in (response.url or "") and response.status_code == 200:
                raise RuntimeError("log-in failed")

    @task
    def page(self) -> None:
        elapsed = time.perf_counter() - state["start"]
        index = int(elapsed // PHASE)
        if index >= len(PAGES):  # done: the last user to finish its request ends the run
            state["done"] += 1
            if state["done"] >= USERS:
                self.environment.runner.quit()
            raise StopUser()
        name, path = PAGES[index]
        began = time.perf_counter()
        response = self.client.get(path, name=name)
        ended = time.perf_counter()
        measure_from = state["start"] + index * PHASE + WARMUP
        if began < measure_from:
            return  # warm-up
        # A request that began in the phase counts, even when it ends after it (slow pages on a busy machine).
        headers = response.headers or {}
        sql, cpu = headers.get("X-SQL-Statements"), headers.get("X-CPU-ms")
        records[name].append(
            (
                (ended - began) * 1000,
                len(response.content or b""),
                response.status_code or 0,
                int(sql or -1),
                float(cpu or "nan"),
            )
        )
        window = windows[name]
        window[0], window[1] = measure_from, max(window[1], ended)


@events.quitting.add_listener
def _write(environment, **_kwargs) -> None:
    out = {
        name: {"records": records[name], "window": max(windows[name][1] - windows[name][0], SECONDS)}
        for name, _ in PAGES
    }
    with open(OUT, "w") as handle:
        json.dump(out, handle)
