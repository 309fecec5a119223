"""Reading the seed's CSV files (seed/*.csv): rows with typed accessors whose errors name the file, line and
column. services/seed/writer.py creates the rows from them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .. import ServiceError

# -----------------------------------------------------------------------------------------------------------
# Reading the CSV files


class Row:
    """One CSV row with typed accessors whose errors name the file, line and column."""

    def __init__(self, filename: str, line: int, data: dict[str, str | None]) -> None:
        self.filename = filename
        self.line = line
        self.data = {k.strip(): (v or "").strip() for k, v in data.items() if k is not None}

    def error(self, column: str, expected: str) -> ServiceError:
        value = self.data.get(column, "")
        return ServiceError(
            f"{self.filename}, line {self.line}, column {column!r}: expected {expected}, got {value!r}."
        )

    def text(self, column: str, *, required: bool = True) -> str:
        if column not in self.data:
            raise ServiceError(f"{self.filename}: missing column {column!r}.")
        value = self.data[column]
        if required and not value:
            raise self.error(column, "a value")
        return value

    def _parse(self, column: str, parse: Callable[[str], Any], expected: str, required: bool) -> Any:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return parse(value)
        except ValueError:
            raise self.error(column, expected) from None

    def get_int(self, column: str, *, required: bool = True) -> int | None:
        return self._parse(column, int, "a whole number", required)

    def get_float(self, column: str, *, required: bool = True) -> float | None:
        return self._parse(column, float, "a number", required)

    def get_date(self, column: str, *, required: bool = True) -> date | None:
        return self._parse(column, date.fromisoformat, "a date YYYY-MM-DD", required)

    def get_datetime(self, column: str) -> datetime:
        def parse(value: str) -> datetime:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError(value)
            return parsed.astimezone(UTC)

        return self._parse(column, parse, "a date-time with UTC offset, e.g. 2017-02-01T09:00:00+01:00", True)

    def get_bool(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in {"true", "false"}:
            raise self.error(column, "true or false")
        return value == "true"

    def choice(self, column: str, allowed: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.text(column, required=required)
        if value and value not in allowed:
            raise self.error(column, "one of " + ", ".join(allowed))
        return value or None


def read_rows(seed_dir: Path, filename: str) -> Iterator[Row]:
    path = seed_dir / filename
    if not path.is_file():
        raise ServiceError(f"Seed file not found: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for data in reader:
            if not any((v or "").strip() for v in data.values() if isinstance(v, str)):
                continue  # blank line
            yield Row(filename, reader.line_num, data)
