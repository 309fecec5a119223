"""The organisation's KPIs as one filtered, sorted and paged list, with counts per status.

A KPI's status (on track, at risk, behind, stale, no data) is computed by progress.py from its targets and
values, not stored, so it cannot be filtered in SQL. The KPIs matching the other filters are read in three
statements (the KPIs with goal and strategy, their targets, all their values), the status is computed per
KPI in Python, and the status filter, the sort and the page are applied to that list. The statement count
stays fixed whatever the number of KPIs; an organisation has hundreds of KPIs, not millions.

KPIs have no department of their own: a KPI belongs to the departments of the action plans of its goal,
which is what a department head means by "our KPIs".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from ... import progress
from ...extensions import db
from ...models import KPI, ActionPlan, Goal, Organisation, Strategy
from ...progress import KPIStatus
from ..kpi import series_rows
from ..overview import kpi_input
from .plans import PAGE_SIZE

KPI_STATUS_FILTERS = tuple(s.value for s in KPIStatus)
KPI_SORTS = ("status", "measured", "name")
# Behind first: the order of attention.
STATUS_ORDER = {
    KPIStatus.OFF_TRACK: 0,
    KPIStatus.AT_RISK: 1,
    KPIStatus.STALE: 2,
    KPIStatus.NO_DATA: 3,
    KPIStatus.NO_TARGET: 4,
    KPIStatus.ON_TRACK: 5,
}


@dataclass(frozen=True)
class KPIFilter:
    status: str | None = None
    department_id: int | None = None
    owner_user_id: int | None = None
    frequency: str | None = None
    kind: str | None = None
    text: str = ""
    sort: str = "status"


@dataclass
class KPIRow:
    kpi: KPI
    summary: progress.KPISummary

    @property
    def status(self) -> str:
        return self.summary.status

    @property
    def last_period(self) -> date | None:
        return self.summary.latest.period if self.summary.latest is not None else None


@dataclass
class KPIListPage:
    rows: list[KPIRow]
    counts: dict[str, int]
    total: int
    page: int
    pages: int


def in_department(department_id: int):
    """KPIs whose goal has a current action plan of the department."""
    return sa.exists().where(
        ActionPlan.goal_id == KPI.goal_id,
        ActionPlan.department_id == department_id,
        ActionPlan.archived_at.is_(None),
    )


def _select(org: Organisation, flt: KPIFilter) -> sa.Select:
    stmt = (
        sa.select(KPI)
        .join(KPI.goal)
        .join(Goal.strategy)
        .where(
            KPI.organisation_id == org.id,
            KPI.archived_at.is_(None),
            Goal.archived_at.is_(None),
            Strategy.archived_at.is_(None),
        )
        .options(contains_eager(KPI.goal).contains_eager(Goal.strategy), selectinload(KPI.targets))
        .order_by(Strategy.title, Goal.position, Goal.id, KPI.position, KPI.id)
    )
    wanted = {KPI.owner_user_id: flt.owner_user_id, KPI.frequency: flt.frequency, KPI.kind: flt.kind}
    stmt = stmt.where(*(column == value for column, value in wanted.items() if value))
    if flt.department_id is not None:
        stmt = stmt.where(in_department(flt.department_id))
    if flt.text.strip():
        text = flt.text.strip()
        stmt = stmt.where(
            sa.or_(
                KPI.name.icontains(text, autoescape=True), KPI.description.icontains(text, autoescape=True)
            )
        )
    return stmt


def _sort_key(sort: str):
    if sort == "measured":
        return lambda row: (row.last_period is None, -(row.last_period or date.min).toordinal())
    if sort == "name":
        return lambda row: row.kpi.name.casefold()
    return lambda row: STATUS_ORDER.get(row.status, 9)


def kpi_rows(org: Organisation, flt: KPIFilter, today: date) -> list[KPIRow]:
    """Every KPI matching `flt` but its status, with its computed summary (three SQL statements)."""
    kpis = list(db.session.scalars(_select(org, flt)))
    values = series_rows([kpi.id for kpi in kpis]) if kpis else {}
    return [KPIRow(kpi, progress.kpi_summary(kpi_input(kpi, values.get(kpi.id, [])), today)) for kpi in kpis]


def kpi_list(org: Organisation, flt: KPIFilter, today: date, page: int = 1) -> KPIListPage:
    """One page of the KPIs matching `flt`, with counts per status for the other filters."""
    rows = kpi_rows(org, flt, today)
    counts = dict.fromkeys(KPI_STATUS_FILTERS, 0) | {"all": len(rows)}
    for row in rows:
        counts[row.status] += 1
    if flt.status:
        rows = [row for row in rows if row.status == flt.status]
    rows.sort(key=_sort_key(flt.sort))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return KPIListPage(rows[start : start + PAGE_SIZE], counts, len(rows), page, pages)
