"""Writing checked entries: bulk inserts and updates in chunks, and the audit events of an import.

Nothing here commits: the caller (view or CLI command) commits once, so an import is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

from ...extensions import db
from ...models import AuditEvent
from ...models._types import utcnow
from .. import audit
from .prepared import NoProgress, Progress

CHUNK = 5000


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_insert(model: type, rows: list[dict[str, Any]], progress: Progress | None = None) -> None:
    """INSERT the rows in chunks (one executemany per chunk, not a statement per row).

    Core INSERTs into the model's table: the rows are complete (no ORM events or objects needed), which
    keeps 100 000 rows to a few seconds."""
    progress = progress or NoProgress()
    for chunk in chunks(rows):
        db.session.execute(sa.insert(model.__table__), list(chunk))
        progress.advance(len(chunk))


def bulk_update(model: type, rows: list[dict[str, Any]], progress: Progress | None = None) -> None:
    """UPDATE rows by primary key ("id" in each dict) in chunks."""
    progress = progress or NoProgress()
    for chunk in chunks(rows):
        db.session.execute(sa.update(model), list(chunk))
        progress.advance(len(chunk))


def record_replacements(
    action: str,
    entity_type: str,
    changes: Iterable[tuple[int, dict[str, Any], dict[str, Any]]],
    *,
    organisation_id: int | None,
    user_id: int | None,
) -> int:
    """One audit event per replaced row (its old values are kept there), inserted in bulk."""
    ip = request.remote_addr if has_request_context() else None
    now = utcnow()
    rows = [
        {
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "organisation_id": organisation_id,
            "user_id": user_id,
            "before": {k: audit.jsonable(v) for k, v in before.items()},
            "after": {k: audit.jsonable(v) for k, v in after.items()},
            "ip_address": ip,
            "created_at": now,
        }
        for entity_id, before, after in changes
    ]
    bulk_insert(AuditEvent, rows)
    return len(rows)


def record_import(
    kind: str,
    filename: str,
    counts: dict[str, int],
    *,
    organisation_id: int,
    user_id: int | None,
    **extra: Any,
) -> AuditEvent:
    """The import's own audit event: the file, and how many rows were created, replaced, skipped, rejected."""
    return audit.record(
        f"import.{kind.replace('-', '_')}",
        "import",
        None,
        organisation_id=organisation_id,
        user_id=user_id,
        after={"file": filename, **counts, **extra},
    )
