"""Shared column helpers for the models."""

from datetime import UTC, datetime

import sqlalchemy as sa


def utcnow() -> datetime:
    """Timezone-aware now; stored as UTC on both SQLite and PostgreSQL."""
    return datetime.now(UTC)


def in_check(column: str, values: tuple[str, ...]) -> str:
    """SQL text for a CHECK that `column` holds one of `values` (portable enum)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


TZDateTime = sa.DateTime(timezone=True)
