"""Retention: personal data past its time is removed by `flask privacy purge`, safe to run every day.

Each step takes the moment "now", removes what is older than its limit and returns how many rows it
changed; a second run the same day changes nothing. A module that keeps further personal data (such as
contact persons in an inquiry log) adds its own step to PURGE_STEPS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import AuditEvent, WorkshopParticipant
from .. import audit

GUEST_PREFIX = "Gæst #"


def purge_audit_ip_addresses(now: datetime) -> int:
    """IP addresses in the audit log older than PRIVACY_AUDIT_IP_DAYS; the events stay."""
    cutoff = now - timedelta(days=current_app.config["PRIVACY_AUDIT_IP_DAYS"])
    return db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.ip_address.is_not(None), AuditEvent.created_at < cutoff)
        .values(ip_address=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _guest_placeholder():
    return sa.literal(GUEST_PREFIX, sa.String) + sa.cast(WorkshopParticipant.id, sa.String)


def purge_guest_names(now: datetime) -> int:
    """Workshop guests' names older than PRIVACY_GUEST_NAME_DAYS become "Gæst #<n>", on the board and in
    the audit event of their joining; their cards and votes stay."""
    cutoff = now - timedelta(days=current_app.config["PRIVACY_GUEST_NAME_DAYS"])
    due = [
        WorkshopParticipant.user_id.is_(None),
        WorkshopParticipant.created_at < cutoff,
        WorkshopParticipant.display_name != _guest_placeholder(),
    ]
    ids = list(db.session.scalars(sa.select(WorkshopParticipant.id).where(*due)))
    if not ids:
        return 0
    db.session.execute(
        sa.update(WorkshopParticipant)
        .where(WorkshopParticipant.id.in_(ids))
        .values(display_name=_guest_placeholder())
        .execution_options(synchronize_session=False)
    )
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "workshop_participant", AuditEvent.entity_id.in_(ids)
        )
    )
    for event in events:
        for side in ("before", "after"):
            values = getattr(event, side)
            if values and "display_name" in values:
                setattr(event, side, values | {"display_name": f"{GUEST_PREFIX}{event.entity_id}"})
    return len(ids)


#: (key, step): what the purge removes. The inquiry log's contact persons belong here once it exists.
PURGE_STEPS: list[tuple[str, Callable[[datetime], int]]] = [
    ("audit_ip_addresses", purge_audit_ip_addresses),
    ("workshop_guest_names", purge_guest_names),
]


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge(now: datetime) -> PurgeReport:
    """Run every step; an audit event records the counts when anything was removed."""
    report = PurgeReport({key: step(now) for key, step in PURGE_STEPS})
    db.session.flush()
    if report.total:
        audit.record("privacy.purge", "site", None, after=dict(report.counts))
    return report
