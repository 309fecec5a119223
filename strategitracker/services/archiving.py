"""Archiving and restoring: strategies, goals, departments, KPIs and action plans, all one way.

Nothing is deleted. Archiving sets `archived_at` (models/_types.py: Archivable), restoring clears it; each
change leaves an audit event "<entity>.archive" or "<entity>.restore". Asking for the state an item already
has changes nothing and records nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import KPI, Archivable, User
from ..models._types import utcnow
from . import ServiceError, audit


def restore_refusal(item: Archivable) -> str | None:
    """Why `item` cannot be restored yet, or None: a KPI waits for its goal and strategy."""
    if isinstance(item, KPI) and (item.goal.is_archived or item.goal.strategy.is_archived):
        return _("The goal is archived. Restore it before changing its KPIs.")
    return None


def set_archived(item: Archivable, archived: bool, *, actor: User) -> bool:
    """Archive (True) or restore (False) `item`; False when it already was in that state."""
    if item.is_archived == archived:
        return False
    if not archived and (refusal := restore_refusal(item)):
        raise ServiceError(refusal)
    before = item.archived_at.isoformat() if item.archived_at else None
    item.archived_at = utcnow() if archived else None
    db.session.flush()
    entity = item.__tablename__
    audit.record(
        f"{entity}.{'archive' if archived else 'restore'}",
        entity,
        item.id,
        organisation_id=item.organisation_id,
        user_id=actor.id,
        before={"archived_at": before},
        after={"archived_at": item.archived_at.isoformat() if item.archived_at else None},
    )
    return True
