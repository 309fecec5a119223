"""Opt-in diagnostics for benchmarks: count the SQL statements each request runs.

Switched on only when the environment variable BENCH_COUNT_SQL=1 is set (create_app then registers it);
every response gets an `X-SQL-Statements` header with the number of statements the database cursor ran
while the request was handled (on SQLite that includes the explicit BEGIN), and an `X-CPU-ms` header with
the CPU time the handling thread used (a figure that holds on a busy machine, where wall-clock time does
not). Off by default: nothing is registered and no event listener runs.
"""

from __future__ import annotations

import os
import time

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context

from ..extensions import db

ENV_VAR = "BENCH_COUNT_SQL"
HEADER = "X-SQL-Statements"
CPU_HEADER = "X-CPU-ms"


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def register_diagnostics(app: Flask) -> None:
    if not enabled():
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        if has_request_context():
            g._sql_statements = g.get("_sql_statements", 0) + 1

    @app.before_request
    def _start() -> None:
        g._cpu_started = time.thread_time()

    @app.after_request
    def _header(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("_sql_statements", 0))
        if "_cpu_started" in g:
            response.headers[CPU_HEADER] = f"{(time.thread_time() - g._cpu_started) * 1000:.1f}"
        return response
