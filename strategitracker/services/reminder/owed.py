"""What a user owes in one organisation: the items a digest lists and an escalation reports.

Built on the "Mine" read model, so the app and its e-mails agree on what is stale, due or overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from ... import progress
from ...models import KPI, Organisation, User
from ..overview import UPDATE_INTERVAL_DAYS, OwnedKPI, OwnedPlan, owned_items

#: Months between two periods of a KPI.
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


class ItemKind:
    KPI_STALE = "kpi_stale"
    PLAN_UPDATE = "plan_update"
    PLAN_OVERDUE = "plan_overdue"
    ROUND = "round"


@dataclass(frozen=True)
class DueItem:
    """One line of an e-mail: what is owed, since when, and where to do it."""

    key: str
    kind: str
    title: str
    endpoint: str
    endpoint_args: tuple[tuple[str, int], ...]
    late_since: date
    goal_id: int
    goal_title: str
    goal_owner_user_id: int | None
    owner_user_id: int
    detail: date | None = None  # the KPI period to enter, or the plan's due date

    def days_late(self, today: date) -> int:
        return (today - self.late_since).days


def next_period(kpi: KPI, latest: date | None) -> date | None:
    """The first period without a measurement after the latest one (after the baseline when none)."""
    start = latest or kpi.baseline_date
    if start is None:
        return None
    return progress.add_months(start, PERIOD_MONTHS[kpi.frequency])


def _kpi_item(owned: OwnedKPI, user: User) -> DueItem:
    kpi = owned.kpi
    latest = owned.summary.latest.period if owned.summary.latest else None
    period = next_period(kpi, latest)
    if latest is not None:
        late_since = progress.fresh_until(latest, kpi.frequency)
    else:
        late_since = period or kpi.created_at.date()
    return DueItem(
        key=f"kpi:{kpi.id}:{period.isoformat() if period else 'first'}",
        kind=ItemKind.KPI_STALE,
        title=kpi.name,
        endpoint="kpis.kpi",
        endpoint_args=(("kpi_id", kpi.id),),
        late_since=late_since,
        goal_id=kpi.goal.id,
        goal_title=kpi.goal.title,
        goal_owner_user_id=kpi.goal.owner_user_id,
        owner_user_id=user.id,
        detail=period,
    )


def _plan_item(owned: OwnedPlan, user: User, kind: str) -> DueItem:
    plan = owned.plan
    if kind == ItemKind.PLAN_OVERDUE:
        key, late_since = f"plan-overdue:{plan.id}:{plan.due_date.isoformat()}", plan.due_date
    else:
        reference = (owned.last_update or plan.created_at).date()
        key = f"plan-update:{plan.id}:{reference.isoformat()}"
        late_since = reference + timedelta(days=UPDATE_INTERVAL_DAYS)
    return DueItem(
        key=key,
        kind=kind,
        title=plan.title,
        endpoint="action_plans.action_plan",
        endpoint_args=(("action_plan_id", plan.id),),
        late_since=late_since,
        goal_id=plan.goal.id,
        goal_title=plan.goal.title,
        goal_owner_user_id=plan.goal.owner_user_id,
        owner_user_id=user.id,
        detail=plan.due_date,
    )


def owed_items(org: Organisation, user: User, today: date) -> list[DueItem]:
    """The user's stale KPIs, plans whose update is due and overdue plans in `org` (nothing of another)."""
    items = owned_items(org, user, today)
    due: list[DueItem] = [_kpi_item(k, user) for k in items.kpis_needing_update]
    due += [_plan_item(p, user, ItemKind.PLAN_OVERDUE) for p in items.overdue_plans]
    due += [
        _plan_item(p, user, ItemKind.PLAN_UPDATE)
        for p in items.plans_needing_update
        if not p.overdue  # an overdue plan is listed once, as overdue
    ]
    return due


def kind_label(kind: str) -> str:
    """The heading an e-mail puts over items of `kind`, in the current locale."""
    return {
        ItemKind.KPI_STALE: _("KPIs waiting for a new measurement"),
        ItemKind.PLAN_UPDATE: _("Action plans whose update is due"),
        ItemKind.PLAN_OVERDUE: _("Overdue action plans"),
        ItemKind.ROUND: _("Requested in an update round"),
    }[kind]
