"""Reading the audit trail: filters, pages and a compact before → after diff.

Two scopes. An organisation's log holds its own events and the sign-in events (log-in, failed log-in,
log-out) of the people who are or were its members: those events belong to a person, not to an
organisation, so they are stored without one and joined through the memberships when the log is read (a
consultant serving three organisations appears in all three logs; a failed log-in for an unknown address
belongs to nobody). The site-wide log (`org=None`, for superusers) holds every event stored without an
organisation: all sign-ins, and changes of national data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import AuditEvent, Membership, Organisation, User
from . import words

PER_PAGE = 50
#: Events of a person rather than an organisation (stored without one), shown to their organisations' admins.
SIGN_IN_PREFIX = "auth."


@dataclass(frozen=True)
class AuditFilter:
    """All optional: `action` matches a prefix ("action_plan" or "action_plan.update")."""

    action: str | None = None
    entity_type: str | None = None
    user_id: int | None = None
    entity_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Change:
    """One changed field; `label`, `before_shown` and `after_shown` are the words the log shows."""

    field: str
    before: Any
    after: Any
    refs: dict[tuple[str, Any], str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return words.field_label(self.field)

    @property
    def before_shown(self) -> Any:
        return words.shown_value(self.field, self.before, self.refs)

    @property
    def after_shown(self) -> Any:
        return words.shown_value(self.field, self.after, self.refs)


@dataclass
class AuditRow:
    event: AuditEvent
    user: User | None
    changes: list[Change] = field(default_factory=list)
    plain: words.Words | None = None


@dataclass
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The fields whose value differs between `before` and `after`, in a stable order."""
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [Change(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _local_midnight_utc(day: date) -> datetime:
    """The start of `day` in the app's time zone, as an aware UTC datetime (events are stored in UTC)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def in_scope(org: Organisation | None) -> sa.ColumnElement[bool]:
    """The events a log shows: the organisation's own and its members' sign-ins, or (None) the site-wide."""
    if org is None:
        return AuditEvent.organisation_id.is_(None)
    members = sa.select(Membership.user_id).where(Membership.organisation_id == org.id)
    return sa.or_(
        AuditEvent.organisation_id == org.id,
        sa.and_(
            AuditEvent.organisation_id.is_(None),
            AuditEvent.action.startswith(SIGN_IN_PREFIX),
            AuditEvent.user_id.in_(members),
        ),
    )


def _conditions(org: Organisation | None, filters: AuditFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [in_scope(org)]
    if filters.action:
        conditions.append(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.entity_type:
        conditions.append(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id is not None:
        conditions.append(AuditEvent.entity_id == filters.entity_id)
    if filters.user_id is not None:
        conditions.append(AuditEvent.user_id == filters.user_id)
    if filters.date_from is not None:
        conditions.append(AuditEvent.created_at >= _local_midnight_utc(filters.date_from))
    if filters.date_to is not None:
        conditions.append(AuditEvent.created_at < _local_midnight_utc(filters.date_to + timedelta(days=1)))
    return conditions


def events_page(
    org: Organisation | None, filters: AuditFilter, page: int = 1, per_page: int = PER_PAGE
) -> AuditPage:
    """One page of the organisation's events matching `filters`, newest first (two queries)."""
    return _page(_conditions(org, filters), page, per_page, org.id if org else None)


def _page(conditions: list, page: int, per_page: int, org_id: int | None = None) -> AuditPage:
    """One page of the events matching `conditions`, newest first, with their diffs (two queries)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        sa.select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    described, refs = words.describe([event for event, _user in rows], org_id)
    return AuditPage(
        rows=[
            AuditRow(
                event,
                user,
                [Change(c.field, c.before, c.after, refs) for c in diff(event.before, event.after)],
                described[event.id],
            )
            for event, user in rows
        ],
        total=total,
        page=page,
        per_page=per_page,
    )


@dataclass
class FilterChoices:
    actions: list[str]
    entity_types: list[str]
    users: list[User]


def filter_choices(org: Organisation | None) -> FilterChoices:
    """What the filter form offers: the organisation's action prefixes, entity types and acting users."""
    pairs = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.entity_type).where(in_scope(org)).distinct()
    ).all()
    actions: set[str] = set()
    for action, _entity in pairs:
        actions.add(action)
        if "." in action:
            actions.add(action.split(".", 1)[0])
    users = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.id.in_(
                    sa.select(AuditEvent.user_id)
                    .where(in_scope(org), AuditEvent.user_id.is_not(None))
                    .distinct()
                )
            )
            .order_by(User.name, User.email)
        )
    )
    return FilterChoices(
        actions=sorted(actions),
        entity_types=sorted({entity for _action, entity in pairs}),
        users=users,
    )


#: The action prefix of every change of national reference data (register, survey ranks).
NATIONAL_PREFIX = "national."


def national_events_page(page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """One page of the site-wide log of national data changes, newest first (two queries)."""
    return _page([AuditEvent.action.startswith(NATIONAL_PREFIX, autoescape=True)], page, per_page)
