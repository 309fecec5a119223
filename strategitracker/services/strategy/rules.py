"""What the strategy, goal and department services share: field limits, refusals, and the steps of a write.

The limits are also used by the forms (e.g. goals/forms.py), so a form and the service refuse the same
input. Nothing is deleted: archiving sets `archived_at`, restoring clears it. Every write is flushed (not
committed) and leaves an audit event; a refused request raises ServiceError and leaves the model untouched.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Department, Goal, Strategy
from .. import FieldError, ServiceError, audit

TITLE_MAX = 300
TEXT_MAX = 10_000
OWNER_MAX = 200
DEPARTMENT_NAME_MAX = 200
DEPARTMENT_SHORT_NAME_MAX = 40


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: audit.jsonable(getattr(obj, name)) for name in fields}


def checked_text(value: str | None, label: str, *, maximum: int, required_message: str | None = None) -> str:
    """Stripped text; refused when empty (if required) or longer than `maximum`."""
    text = (value or "").strip()
    if required_message is not None and not text:
        raise ServiceError(required_message)
    if len(text) > maximum:
        raise ServiceError(_("%(field)s may be at most %(n)d characters.", field=label, n=maximum))
    return text


def apply_changes(obj: object, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed attributes; return (before, after) of just those fields."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = audit.jsonable(old)
            after[name] = audit.jsonable(value)
            setattr(obj, name, value)
    return before, after


def flush_or_refuse(duplicate_message: str, field: str) -> None:
    """Flush; a unique constraint hit by a concurrent write becomes the same friendly message."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise FieldError(duplicate_message, field) from None


def refuse_if_archived(obj: Strategy | Goal | Department, message: str) -> None:
    if obj.archived_at is not None:
        raise ServiceError(message)
