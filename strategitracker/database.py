"""Engine set-up shared by every configuration."""

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from sqlalchemy.orm import Session

from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def register_engine_events(app: Flask) -> None:
    """On SQLite: enforce foreign keys and let SQLAlchemy manage transactions so SAVEPOINTs work.

    A transaction that may write starts with BEGIN IMMEDIATE, which takes the write lock up front and waits
    (busy_timeout) for another writer to finish. A plain BEGIN would take it only at the first write, and two
    such transactions that both read first deadlock: SQLite then fails one at once with "database is
    locked", which the user would see as an error page. Only reads of a GET, HEAD or OPTIONS request start
    with a plain BEGIN, so pages keep reading side by side.
    """
    if not sa.event.contains(Session, "after_commit", _note_commit):
        sa.event.listen(Session, "after_commit", _note_commit)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        busy_timeout = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")  # wait for another writer
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _read_only_request() else "BEGIN IMMEDIATE")


def is_busy_database(exc: BaseException) -> bool:
    """SQLite gave up waiting for another writer (busy_timeout passed)."""
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc.orig)


def committed_in_request() -> bool:
    """Whether this request has already committed a write: a later database error must not be reported
    as "nothing was saved"."""
    return has_request_context() and bool(g.get("_committed_write"))


def _note_commit(_session: Session) -> None:
    if has_request_context():
        g._committed_write = True


def _read_only_request() -> bool:
    return has_request_context() and request.method in SAFE_METHODS
