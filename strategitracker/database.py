"""Engine set-up shared by every configuration."""

import sqlalchemy as sa
from flask import Flask

from .extensions import db


def register_engine_events(app: Flask) -> None:
    """On SQLite: enforce foreign keys and let SQLAlchemy manage transactions so SAVEPOINTs work."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")  # wait for a concurrent writer instead of failing at once
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
