"""Bulk writes of generated rows, and the primary keys they are given.

The database is empty when data is generated, so ids are counted here rather than returned by the database:
rows can then be written in large batches and refer to each other without a round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

CHUNK = 10_000


class Writer:
    """Bulk writes: COPY on PostgreSQL, executemany INSERT in chunks on SQLite."""

    def __init__(self, connection: sa.Connection, metadata: sa.MetaData) -> None:
        self.connection = connection
        self.metadata = metadata
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def write(self, table_name: str, rows: Iterable[dict[str, Any]]) -> None:
        table = self.metadata.tables[table_name]
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._flush(table, batch)
                batch = []
        if batch:
            self._flush(table, batch)

    def _flush(self, table: sa.Table, batch: list[dict[str, Any]]) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + len(batch)
        if not self.postgres:
            self.connection.execute(sa.insert(table), batch)
            return
        given = list(batch[0])
        defaults = _python_defaults(table, given)
        raw = self.connection.connection.driver_connection  # psycopg.Connection
        names = ", ".join(f'"{c}"' for c in [*given, *defaults])
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row([*(row[c] for c in given), *(make() for make in defaults.values())])


def _python_defaults(table: sa.Table, given: list[str]) -> dict[str, Callable[[], Any]]:
    """The model's Python-side defaults of the columns the rows leave out (a user's session token): an
    INSERT through SQLAlchemy fills them in, COPY would leave them empty. Called once per row, as by an
    INSERT."""
    made: dict[str, Callable[[], Any]] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or not isinstance(default, sa.ColumnDefault):
            continue
        if default.is_callable:
            made[column.name] = lambda make=default.arg: make(None)
        elif default.is_scalar:
            made[column.name] = lambda value=default.arg: value
    return made


def id_counter() -> tuple[Callable[[str], int], dict[str, int]]:
    """`next_id(table)` gives 1, 2, 3 … per table; the dict holds the last id given for each table."""
    counters: dict[str, int] = {}

    def next_id(table: str) -> int:
        counters[table] = counters.get(table, 0) + 1
        return counters[table]

    return next_id, counters
