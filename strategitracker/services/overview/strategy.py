"""Read models for pages: a strategy or goal with everything its pages show, in a fixed number of queries.

Each function runs the same number of SQL statements whatever the number of goals, KPIs, measurements
or action plans (relationships are loaded with one SELECT ... IN per level), and computes status and
progress with the pure functions in `progress.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, raiseload

from ... import progress
from ...extensions import db
from ...models import KPI, ActionPlan, ActionPlanUpdate, Goal, KPITarget, Status, Strategy
from ...progress import KPIStatus
from ..kpi import MeasurementRow, series_rows

# The order in which goal-level status is decided: the worst KPI decides.
STATUS_SEVERITY = [
    KPIStatus.OFF_TRACK,
    KPIStatus.AT_RISK,
    KPIStatus.STALE,
    KPIStatus.ON_TRACK,
    KPIStatus.NO_TARGET,
    KPIStatus.NO_DATA,
]


def kpi_input(kpi: KPI, measurements: list[MeasurementRow] | None = None) -> progress.KPIInput:
    """The pure computation's view of a KPI: its targets must be loaded, and its measurements too unless
    they are given as rows."""
    points = kpi.measurements if measurements is None else measurements
    return progress.KPIInput(
        direction=kpi.direction,
        frequency=kpi.frequency,
        baseline_value=kpi.baseline_value,
        baseline_date=kpi.baseline_date,
        baseline_out_of=kpi.baseline_out_of,
        kind=kpi.kind,
        targets=[progress.Target(t.value, t.target_date, t.set_on) for t in kpi.targets],
        measurements=[progress.Point(m.period, m.value, m.out_of) for m in points],
    )


@dataclass
class KPIView:
    kpi: KPI
    data: progress.KPIInput
    summary: progress.KPISummary
    #: The KPI's measurements in period order (`kpi.measurements` is not loaded on these pages).
    measurements: list[MeasurementRow] = field(default_factory=list)

    @property
    def superseded_targets(self) -> list[KPITarget]:
        current = {(t.target_date, t.value, t.set_on) for t in progress.current_targets(self.data.targets)}
        return [t for t in self.kpi.targets if (t.target_date, t.value, t.set_on) not in current]


@dataclass
class GoalView:
    goal: Goal
    kpis: list[KPIView]
    action_plans: list[ActionPlan]
    today: date
    status_counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        counts = Counter(plan.status for plan in self.action_plans)
        self.status_counts = {status.value: counts.get(status.value, 0) for status in Status}

    @property
    def status(self) -> KPIStatus:
        """The worst KPI status of the goal; no data when it has no KPIs."""
        statuses = {k.summary.status for k in self.kpis}
        return next((s for s in STATUS_SEVERITY if s in statuses), KPIStatus.NO_DATA)

    @property
    def progress(self) -> float | None:
        """The mean progress of the goal's KPIs that have one."""
        values = [k.summary.progress for k in self.kpis if k.summary.progress is not None]
        return sum(values) / len(values) if values else None

    @property
    def overdue(self) -> list[ActionPlan]:
        return [p for p in self.action_plans if progress.is_overdue(p.status, p.due_date, self.today)]


@dataclass
class Attention:
    overdue_action_plans: list[ActionPlan]
    stale_kpis: list[KPIView]
    off_track_kpis: list[KPIView]

    def __bool__(self) -> bool:
        return bool(self.overdue_action_plans or self.stale_kpis or self.off_track_kpis)


@dataclass
class StrategyView:
    strategy: Strategy
    goals: list[GoalView]

    @property
    def goal_titles(self) -> dict[int, str]:
        """{goal id: title}, for the lists that name each item's goal."""
        return {gv.goal.id: gv.goal.title for gv in self.goals}

    @property
    def attention(self) -> Attention:
        kpis = [k for g in self.goals for k in g.kpis]
        return Attention(
            overdue_action_plans=[p for g in self.goals for p in g.overdue],
            stale_kpis=[k for k in kpis if k.summary.status == KPIStatus.STALE],
            off_track_kpis=[k for k in kpis if k.summary.status == KPIStatus.OFF_TRACK],
        )


def _kpi_options():
    # Targets are few per KPI: joined into the KPI SELECT. Values come as rows (`kpi.series_rows`);
    # the relationship raises if touched, so no page can fall back to a hidden query per KPI.
    return (joinedload(KPI.targets), raiseload(KPI.measurements))


def _with_latest_comment(plan_stmt: sa.Select) -> sa.Select:
    """`plan_stmt` with each plan's latest update that has a comment (or None) as a second column."""
    update = aliased(ActionPlanUpdate)
    latest_id = (
        sa.select(sa.func.max(ActionPlanUpdate.id))
        .where(ActionPlanUpdate.action_plan_id == ActionPlan.id, sa.func.trim(ActionPlanUpdate.comment) != "")
        .correlate(ActionPlan)
        .scalar_subquery()
    )
    return plan_stmt.add_columns(update).outerjoin(
        update, sa.and_(update.action_plan_id == ActionPlan.id, update.id == latest_id)
    )


def _goal_views(
    goals: list[Goal],
    today: date,
    *,
    include_archived: bool = False,
    latest_comments: dict[int, ActionPlanUpdate] | None = None,
) -> list[GoalView]:
    """The goals' views; given `latest_comments`, the action-plan SELECT also fills it (plan id → update)."""
    goal_ids = [g.id for g in goals]
    if not goal_ids:
        return []
    kpi_where = [KPI.goal_id.in_(goal_ids)]
    plan_stmt = (
        sa.select(ActionPlan)
        .where(ActionPlan.goal_id.in_(goal_ids))
        .options(joinedload(ActionPlan.department))  # many-to-one: in the same SELECT
        .order_by(ActionPlan.due_date.is_(None), ActionPlan.due_date, ActionPlan.id)
    )
    if not include_archived:
        kpi_where.append(KPI.archived_at.is_(None))
        plan_stmt = plan_stmt.where(ActionPlan.archived_at.is_(None))
    if latest_comments is not None:
        plan_stmt = _with_latest_comment(plan_stmt)
    kpi_stmt = sa.select(KPI).where(*kpi_where).options(*_kpi_options())
    loaded = list(db.session.scalars(kpi_stmt.order_by(KPI.position, KPI.id)).unique())
    measurements = series_rows([kpi.id for kpi in loaded])
    kpis: dict[int, list[KPIView]] = {g: [] for g in goal_ids}
    for kpi in loaded:
        rows = measurements.get(kpi.id, [])
        data = kpi_input(kpi, rows)
        kpis[kpi.goal_id].append(KPIView(kpi, data, progress.kpi_summary(data, today), rows))
    plans: dict[int, list[ActionPlan]] = {g: [] for g in goal_ids}
    for plan, *update in db.session.execute(plan_stmt):
        plans[plan.goal_id].append(plan)
        if update and update[0] is not None:
            latest_comments[plan.id] = update[0]
    return [GoalView(goal, kpis[goal.id], plans[goal.id], today) for goal in goals]


def strategy_overview(
    strategy: Strategy, today: date, *, latest_comments: dict[int, ActionPlanUpdate] | None = None
) -> StrategyView:
    """The strategy's current goals; `latest_comments` (the council report) is filled as in `_goal_views`."""
    goals = list(
        db.session.scalars(
            sa.select(Goal)
            .where(Goal.strategy_id == strategy.id, Goal.archived_at.is_(None))
            .order_by(Goal.position, Goal.id)
        )
    )
    return StrategyView(strategy, _goal_views(goals, today, latest_comments=latest_comments))


def goal_overview(goal: Goal, today: date) -> GoalView:
    return _goal_views([goal], today)[0]
