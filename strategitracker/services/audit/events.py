"""Writing audit events."""

from datetime import date, datetime
from typing import Any

from flask import has_request_context, request

from ...extensions import db
from ...models import AuditEvent


def jsonable(value: Any) -> Any:
    """A value as the audit event's JSON keeps it: dates and times as ISO text."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def record(
    action: str,
    entity_type: str,
    entity_id: int | None = None,
    *,
    organisation_id: int | None = None,
    user_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    anonymous: bool = False,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes).

    An `anonymous` event keeps no trace of who caused it (no user, no IP address): for acts the app has
    promised to keep secret, such as where a workshop participant put their dots."""
    event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        organisation_id=organisation_id,
        user_id=None if anonymous else user_id,
        before=before,
        after=after,
        ip_address=request.remote_addr if has_request_context() and not anonymous else None,
    )
    db.session.add(event)
    return event
