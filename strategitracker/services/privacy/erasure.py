"""Erasure without losing the record: a former user's name and e-mail address become a placeholder, the
account can no longer log in and its sessions end. History, comments and audit entries stay, under the
placeholder; nothing else in any organisation changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    ActionPlanUpdate,
    AuditEvent,
    ExternalIdentity,
    Membership,
    Organisation,
    SentNotification,
    User,
    WorkshopParticipant,
)
from .. import ServiceError, audit
from ..accounts import end_sessions

PLACEHOLDER_DOMAIN = "anonymiseret.invalid"


def placeholder_name(user_id: int) -> str:
    """The name an anonymised user is shown by (stored as data, so in the organisation's language)."""
    return f"Tidligere bruger #{user_id}"


def placeholder_email(user_id: int) -> str:
    """Unique, and never deliverable (.invalid is reserved for exactly that)."""
    return f"tidligere-bruger-{user_id}@{PLACEHOLDER_DOMAIN}"


def anonymise_problem(user: User, actor: User) -> str | None:
    """Why `user` cannot be anonymised by `actor`, or None."""
    if user.anonymised_at is not None:
        return _("This user has already been anonymised.")
    if user.id == actor.id:
        return _("You cannot anonymise your own account.")
    if user.is_superuser:
        return _("A superuser cannot be anonymised.")
    active = db.session.scalars(
        sa.select(Organisation.name)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Membership.active.is_(True))
        .order_by(Organisation.name)
    ).all()
    if active:
        return _(
            "%(name)s is still an active member of %(orgs)s: deactivate the memberships first.",
            name=user.name,
            orgs=", ".join(active),
        )
    return None


def _replace(value: Any, old: dict[str, str]) -> Any:
    """`value` (JSON) with every text equal to a key of `old` replaced by its value."""
    if isinstance(value, str):
        return old.get(value, value)
    if isinstance(value, list):
        return [_replace(v, old) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, old) for k, v in value.items()}
    return value


def _mentions(column, texts: list[str]) -> sa.ColumnElement[bool]:
    """A prefilter: the JSON column's text contains one of `texts` (raw or as JSON escapes them)."""
    forms = {t for text in texts for t in (text, _json_escaped(text))}
    as_text = sa.cast(column, sa.Text)
    return sa.or_(*(as_text.contains(form, autoescape=True) for form in forms))


def _json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]


def _audit_snapshots(old: dict[str, str]) -> int:
    """Replace the name and address in the before/after of audit events; returns how many changed."""
    texts = list(old)
    changed = 0
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            sa.or_(_mentions(AuditEvent.before, texts), _mentions(AuditEvent.after, texts))
        )
    )
    for event in events:
        before, after = _replace(event.before, old), _replace(event.after, old)
        if (before, after) != (event.before, event.after):
            event.before, event.after = before, after
            changed += 1
    return changed


def _notifications(user: User, old: dict[str, str]) -> int:
    notifications = list(
        db.session.scalars(sa.select(SentNotification).where(SentNotification.user_id == user.id))
    )
    for notification in notifications:
        notification.email = user.email
        for field in ("subject", "body_text", "body_html"):
            text = getattr(notification, field)
            for before, after in old.items():
                text = text.replace(before, after)
            setattr(notification, field, text)
    return len(notifications)


def anonymise(user: User, *, actor: User) -> dict[str, int]:
    """Replace the person by a placeholder everywhere the app keeps their name or address; returns counts."""
    if problem := anonymise_problem(user, actor):
        raise ServiceError(problem)
    old = {user.email: placeholder_email(user.id), user.name: placeholder_name(user.id)}
    user.name, user.email = placeholder_name(user.id), placeholder_email(user.id)
    user.active = False
    user.password_hash = ""
    user.must_change_password = False
    user.anonymised_at = datetime.now(UTC)
    end_sessions(user)
    counts = {
        "updates": db.session.execute(
            sa.update(ActionPlanUpdate)
            .where(ActionPlanUpdate.author_id == user.id)
            .values(author_name=user.name)
        ).rowcount,
        "workshop_participants": db.session.execute(
            sa.update(WorkshopParticipant)
            .where(WorkshopParticipant.user_id == user.id)
            .values(display_name=user.name)
        ).rowcount,
        # the provider's id of the person (issuer + subject) is theirs too: a later SSO log-in starts anew
        "external_identities": db.session.execute(
            sa.delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id)
        ).rowcount,
        "notifications": _notifications(user, old),
        "audit_events": _audit_snapshots(old),
    }
    db.session.flush()
    audit.record(
        "user.anonymise",
        "user",
        user.id,
        user_id=actor.id,
        after={"name": user.name, "email": user.email, **counts},
    )
    return counts
