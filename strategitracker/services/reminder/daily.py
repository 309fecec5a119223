"""A day's work of reminders for one organisation: retries, round requests, digests and escalations.

Safe to run again: every e-mail has a key (the round, the user and the period, or the day of an
escalation), so a second run the same day finds everything sent. `commit` is called after each e-mail,
so what was sent is recorded before the next one goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    Membership,
    NotificationKind,
    Organisation,
    Role,
    SentNotification,
    SentNotificationItem,
    UpdateRequest,
    UpdateRound,
    User,
)
from . import compose, delivery, preferences, rounds
from .owed import DueItem, owed_items


@dataclass
class RunReport:
    organisation: str
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: int = 0
    planned: list[str] = field(default_factory=list)  # a dry run: what would be sent

    def lines(self) -> list[str]:
        counts = _(
            "%(sent)s sent, %(failed)s failed, %(skipped)s already sent",
            sent=len(self.sent),
            failed=len(self.failed),
            skipped=self.skipped,
        )
        out = [f"{self.organisation}: {counts}"]
        out += ["  " + _("sent %(item)s", item=line) for line in self.sent]
        out += ["  " + _("FAILED %(item)s", item=line) for line in self.failed]
        out += ["  " + _("would send %(item)s", item=line) for line in self.planned]
        return out


def _members(org: Organisation) -> dict[int, tuple[User, str]]:
    """Active users with an active membership of `org`, with their role."""
    rows = db.session.execute(
        sa.select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id, Membership.active.is_(True), User.active.is_(True))
        .order_by(User.id)
    )
    return {user.id: (user, role) for user, role in rows}


def _owner_ids(org: Organisation) -> set[int]:
    ids: set[int] = set()
    for model in (ActionPlan, KPI):
        ids |= set(
            db.session.scalars(
                sa.select(model.owner_user_id).where(
                    model.organisation_id == org.id,
                    model.owner_user_id.is_not(None),
                    model.archived_at.is_(None),
                )
            )
        )
    ids |= set(
        db.session.scalars(
            sa.select(UpdateRequest.owner_user_id)
            .join(UpdateRequest.round)
            .where(UpdateRound.organisation_id == org.id, UpdateRound.closed_at.is_(None))
        )
    )
    return ids


def _round_requests(
    org: Organisation, members: dict[int, tuple[User, str]], today: date
) -> list[compose.Outgoing]:
    """The request of every open round to each member who owes something in it (sent once per round)."""
    out = []
    for update_round in rounds.open_rounds(org.id):
        for owner in rounds.round_status(update_round, today).owners:
            if owner.owner.id in members and owner.unanswered:
                items = [rounds.request_item(i.request, update_round) for i in owner.unanswered]
                out.append(compose.round_request(org, update_round, owner.owner, items))
    return out


def _digests(org, members, owed: dict[int, list[DueItem]], today: date) -> list[compose.Outgoing]:
    frequencies = preferences.frequencies_of(list(members))
    out = []
    for user_id, (user, _role) in members.items():
        period = preferences.digest_period(frequencies[user_id], today)
        items = _with_round_requests(owed.get(user_id, []), rounds.open_requests_of(org.id, user, today))
        if period and items:
            out.append(compose.digest(org, user, items, period, today))
    return out


def _with_round_requests(owed: list[DueItem], requested: list[DueItem]) -> list[DueItem]:
    """The round's requests, and what else is owed: an item asked for in a round is listed once, there."""
    asked = {(item.endpoint, item.endpoint_args) for item in requested}
    return requested + [item for item in owed if (item.endpoint, item.endpoint_args) not in asked]


def _escalated_keys(org: Organisation) -> set[tuple[int, str]]:
    """(recipient, item key) of every escalation recorded so far: each late item is escalated once."""
    rows = db.session.execute(
        sa.select(SentNotification.user_id, SentNotificationItem.item_key)
        .join(SentNotificationItem.notification)
        .where(
            SentNotification.organisation_id == org.id,
            SentNotification.kind == NotificationKind.ESCALATION,
        )
    )
    return {(user_id, key) for user_id, key in rows}


def _escalations(org, members, owed: dict[int, list[DueItem]], today: date) -> list[compose.Outgoing]:
    days = current_app.config["REMINDER_ESCALATION_DAYS"]
    facilitators = [u for u, role in members.values() if role == Role.FACILITATOR] or [
        u for u, role in members.values() if role == Role.ADMIN
    ]
    done = _escalated_keys(org)
    per_recipient: dict[int, list[DueItem]] = {}
    for items in owed.values():
        for item in items:
            if item.days_late(today) < days:
                continue
            goal_owner = members.get(item.goal_owner_user_id)
            recipients = (
                [goal_owner[0]] if goal_owner and goal_owner[0].id != item.owner_user_id else facilitators
            )
            for recipient in recipients:
                if (recipient.id, item.key) not in done:
                    per_recipient.setdefault(recipient.id, []).append(item)
    owners = {user_id: user.name for user_id, (user, _role) in members.items()}
    owners |= {u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(list(owed))))}
    return [
        compose.escalation(org, members[recipient_id][0], items, owners, today)
        for recipient_id, items in per_recipient.items()
    ]


def plan_day(org: Organisation, today: date) -> list[compose.Outgoing]:
    """Every e-mail the day calls for in `org` (including ones already sent: delivery skips those)."""
    members = _members(org)
    owner_ids = _owner_ids(org)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(owner_ids)))}
    owed = {user_id: owed_items(org, user, today) for user_id, user in users.items()}
    return (
        _round_requests(org, members, today)
        + _digests(org, members, owed, today)
        + _escalations(org, members, owed, today)
    )


def _describe(outgoing: compose.Outgoing) -> str:
    return _(
        "%(kind)s to %(email)s (%(count)s items)",
        kind=outgoing.kind,
        email=outgoing.user.email,
        count=len(outgoing.items),
    )


def _already_recorded(keys: list[str]) -> set[str]:
    return set(db.session.scalars(sa.select(SentNotification.key).where(SentNotification.key.in_(keys))))


def run_day(org: Organisation, today: date, *, dry_run: bool, commit: Callable[[], None]) -> RunReport:
    """Retry what failed before, then send what the day calls for; nothing is sent twice."""
    report = RunReport(org.slug)
    if dry_run:
        planned = plan_day(org, today)
        recorded = _already_recorded([o.key for o in planned])
        report.planned = [_describe(o) for o in planned if o.key not in recorded]
        report.skipped = len(planned) - len(report.planned)
        return report
    smtp = delivery.connection()
    try:
        for notification_id in delivery.failed(org.id):
            result, row = delivery.retry(notification_id, smtp)
            _count(
                report,
                result,
                _("%(kind)s to %(email)s (retry)", kind=row.kind, email=row.email),
                row.last_error,
            )
            commit()
        for outgoing in plan_day(org, today):
            result = delivery.deliver(outgoing, smtp)
            error = "" if result != delivery.FAILED else _last_error(outgoing.key)
            _count(report, result, _describe(outgoing), error)
            commit()
    finally:
        smtp.close()
    return report


def _last_error(key: str) -> str:
    return db.session.scalar(sa.select(SentNotification.last_error).where(SentNotification.key == key)) or ""


def _count(report: RunReport, result: str, description: str, error: str) -> None:
    if result == delivery.SENT:
        report.sent.append(description)
    elif result == delivery.FAILED:
        report.failed.append(f"{description}: {error}")
    else:
        report.skipped += 1


def send_round_emails(
    org: Organisation, update_round: UpdateRound, today: date, *, reminder: bool, commit: Callable[[], None]
) -> RunReport:
    """Send a round's requests (when it opens) or a reminder to those who have not answered yet."""
    members = _members(org)
    report = RunReport(org.slug)
    smtp = delivery.connection()
    try:
        for owner in rounds.round_status(update_round, today).owners:
            if owner.owner.id not in members or not owner.unanswered:
                continue
            items = [rounds.request_item(i.request, update_round) for i in owner.unanswered]
            if reminder:
                outgoing = compose.round_reminder(org, update_round, owner.owner, items, today)
            else:
                outgoing = compose.round_request(org, update_round, owner.owner, items)
            result = delivery.deliver(outgoing, smtp)
            _count(
                report,
                result,
                _describe(outgoing),
                _last_error(outgoing.key) if result == delivery.FAILED else "",
            )
            commit()
    finally:
        smtp.close()
    return report
