"""Shared column helpers for the models."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

#: The largest id a row can have: PostgreSQL's `integer`, the type of every primary key. Ids from outside
#: (URLs, forms, files) beyond it name no row.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Timezone-aware now; stored as UTC on both SQLite and PostgreSQL."""
    return datetime.now(UTC)


def in_check(column: str, values: tuple[str, ...]) -> str:
    """SQL text for a CHECK that `column` holds one of `values` (portable enum)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


TZDateTime = sa.DateTime(timezone=True)


class Archivable:
    """Kept, never deleted: an archived row is left out of lists and refuses changes until it is restored.

    services/archiving.py is the one way to archive or restore it (with its audit event).
    """

    archived_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    if TYPE_CHECKING:  # provided by the model it is mixed into
        __tablename__: str
        id: int
        organisation_id: int

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
