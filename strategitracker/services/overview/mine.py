"""The "Mine" read model: the action plans and KPIs one user is responsible for, and which of them need care.

A read-only view over action plans and KPIs, kept apart from the writes in services/action_plan/plans.py and
services/kpi/definitions.py; it loads everything the "Mine" page shows in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from ... import progress
from ...extensions import db
from ...models import KPI, ActionPlan, ActionPlanUpdate, Goal, Organisation, Status, Strategy, User
from ...progress import KPIStatus
from ..kpi import series_rows
from .strategy import kpi_input

#: An open action plan whose last update is older than this is due for an update.
UPDATE_INTERVAL_DAYS = 30

CLOSED_STATUSES = frozenset({Status.DONE.value, Status.CANCELLED.value})


@dataclass
class OwnedPlan:
    plan: ActionPlan
    last_update: datetime | None
    overdue: bool
    needs_update: bool

    @property
    def closed(self) -> bool:
        return self.plan.status in CLOSED_STATUSES


@dataclass
class OwnedKPI:
    kpi: KPI
    summary: progress.KPISummary

    @property
    def needs_update(self) -> bool:
        return self.summary.status in (KPIStatus.STALE, KPIStatus.NO_DATA)


@dataclass
class OwnedItems:
    plans: list[OwnedPlan] = field(default_factory=list)
    kpis: list[OwnedKPI] = field(default_factory=list)

    @property
    def open_plans(self) -> list[OwnedPlan]:
        return [p for p in self.plans if not p.closed]

    @property
    def closed_plans(self) -> list[OwnedPlan]:
        return [p for p in self.plans if p.closed]

    @property
    def overdue_plans(self) -> list[OwnedPlan]:
        return [p for p in self.plans if p.overdue]

    @property
    def plans_needing_update(self) -> list[OwnedPlan]:
        return [p for p in self.plans if p.needs_update]

    @property
    def kpis_needing_update(self) -> list[OwnedKPI]:
        return [k for k in self.kpis if k.needs_update]


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def owned_items(org: Organisation, user: User, today: date) -> OwnedItems:
    """The action plans and KPIs `user` is responsible for in `org` (not archived), in four queries."""
    plans = list(
        db.session.scalars(
            sa.select(ActionPlan)
            .join(ActionPlan.goal)
            .join(Goal.strategy)
            .where(
                ActionPlan.organisation_id == org.id,
                ActionPlan.owner_user_id == user.id,
                ActionPlan.archived_at.is_(None),
                Goal.archived_at.is_(None),
                Strategy.archived_at.is_(None),
            )
            .options(
                contains_eager(ActionPlan.goal).contains_eager(Goal.strategy),
                selectinload(ActionPlan.department),
            )
            .order_by(ActionPlan.due_date.is_(None), ActionPlan.due_date, ActionPlan.id)
        )
    )
    last_updates: dict[int, datetime] = {}
    if plans:
        rows = db.session.execute(
            sa.select(ActionPlanUpdate.action_plan_id, sa.func.max(ActionPlanUpdate.created_at))
            .where(ActionPlanUpdate.action_plan_id.in_([p.id for p in plans]))
            .group_by(ActionPlanUpdate.action_plan_id)
        )
        last_updates = {plan_id: when for plan_id, when in rows}
    limit = today - timedelta(days=UPDATE_INTERVAL_DAYS)
    owned_plans = []
    for plan in plans:
        last = last_updates.get(plan.id)
        reference = _day(last) or _day(plan.created_at)
        is_open = plan.status not in CLOSED_STATUSES
        owned_plans.append(
            OwnedPlan(
                plan=plan,
                last_update=last,
                overdue=progress.is_overdue(plan.status, plan.due_date, today),
                needs_update=is_open and reference is not None and reference < limit,
            )
        )
    kpis = db.session.scalars(
        sa.select(KPI)
        .join(KPI.goal)
        .join(Goal.strategy)
        .where(
            KPI.organisation_id == org.id,
            KPI.owner_user_id == user.id,
            KPI.archived_at.is_(None),
            Goal.archived_at.is_(None),
            Strategy.archived_at.is_(None),
        )
        .options(
            contains_eager(KPI.goal).contains_eager(Goal.strategy),
            selectinload(KPI.targets),
        )
        .order_by(Strategy.title, Goal.position, Goal.id, KPI.position, KPI.id)
    )
    kpis = list(kpis)
    values = series_rows([kpi.id for kpi in kpis])
    owned_kpis = [
        OwnedKPI(kpi, progress.kpi_summary(kpi_input(kpi, values.get(kpi.id, [])), today)) for kpi in kpis
    ]
    return OwnedItems(plans=owned_plans, kpis=owned_kpis)
