"""The organisation's action plans as one filtered, sorted and paged list, with counts per status.

Two SQL statements whatever the number of plans: the counts per status (grouped, with the overdue, due-soon
and not-updated counts summed alongside) and the rows of one page. The total for the current filter comes
out of the counts. The same filter gives the rows of the Excel export (one statement, no paging).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, contains_eager

from ...extensions import db
from ...models import ActionPlan, ActionPlanUpdate, Goal, Organisation, Status, Strategy, User
from ...status import plan_status_label
from ..exports import LOCAL_TZ, Sheet

PAGE_SIZE = 50
#: An open plan whose last update (or creation) is older than this many days counts as not updated.
STALE_DAYS = 30
#: "Due soon" means due within this many days from today.
DUE_SOON_DAYS = 30
OPEN, OVERDUE, DUE_SOON, STALE = "open", "overdue", "due_soon", "stale"
PLAN_STATUS_FILTERS = (OPEN, OVERDUE, DUE_SOON, STALE, *(s.value for s in Status))
PLAN_SORTS = ("due", "status", "updated")
CLOSED = (Status.DONE.value, Status.CANCELLED.value)
# Delayed first: the order of attention.
STATUS_ORDER = {
    Status.DELAYED.value: 0,
    Status.IN_PROGRESS.value: 1,
    Status.NOT_STARTED.value: 2,
    Status.DONE.value: 3,
    Status.CANCELLED.value: 4,
}


@dataclass(frozen=True)
class PlanFilter:
    """What the list shows; None or "" means "any"."""

    strategy_id: int | None = None
    goal_id: int | None = None
    department_id: int | None = None
    owner_user_id: int | None = None
    status: str | None = None
    text: str = ""
    sort: str = "due"
    stale_days: int = STALE_DAYS


@dataclass
class PlanRow:
    plan: ActionPlan
    owner_name: str
    last_update: datetime | None
    overdue: bool
    stale: bool


@dataclass
class PlanPage:
    rows: list[PlanRow]
    counts: dict[str, int]
    total: int
    page: int
    pages: int
    filter: PlanFilter = field(default_factory=PlanFilter)


def _last_updates() -> sa.Subquery:
    return (
        sa.select(
            ActionPlanUpdate.action_plan_id.label("plan_id"),
            sa.func.max(ActionPlanUpdate.created_at).label("at"),
        )
        .group_by(ActionPlanUpdate.action_plan_id)
        .subquery("last_update")
    )


@dataclass(frozen=True)
class _Terms:
    """The SQL pieces the status filters and counts share."""

    last: sa.Subquery
    today: date
    stale_before: datetime

    @property
    def is_open(self):
        return ActionPlan.status.not_in(CLOSED)

    @property
    def last_at(self):
        return sa.func.coalesce(self.last.c.at, ActionPlan.created_at)

    def condition(self, status: str):
        if status == OPEN:
            return self.is_open
        if status == OVERDUE:
            return sa.and_(self.is_open, ActionPlan.due_date < self.today)
        if status == DUE_SOON:
            soon = self.today + timedelta(days=DUE_SOON_DAYS)
            return sa.and_(self.is_open, ActionPlan.due_date >= self.today, ActionPlan.due_date <= soon)
        if status == STALE:
            return sa.and_(self.is_open, self.last_at < self.stale_before)
        return ActionPlan.status == status


def _terms(today: date, stale_days: int) -> _Terms:
    start = datetime.combine(today - timedelta(days=stale_days), time(), tzinfo=LOCAL_TZ).astimezone(UTC)
    return _Terms(_last_updates(), today, start)


def _base(stmt: sa.Select, org: Organisation, flt: PlanFilter, terms: _Terms) -> sa.Select:
    """`stmt` limited to the organisation's current plans that match `flt` (its status aside)."""
    stmt = (
        stmt.join(ActionPlan.goal)
        .join(Goal.strategy)
        .outerjoin(terms.last, terms.last.c.plan_id == ActionPlan.id)
        .where(
            ActionPlan.organisation_id == org.id,
            ActionPlan.archived_at.is_(None),
            Goal.archived_at.is_(None),
            Strategy.archived_at.is_(None),
        )
    )
    wanted = {
        Goal.strategy_id: flt.strategy_id,
        ActionPlan.goal_id: flt.goal_id,
        ActionPlan.department_id: flt.department_id,
        ActionPlan.owner_user_id: flt.owner_user_id,
    }
    stmt = stmt.where(*(column == value for column, value in wanted.items() if value is not None))
    if flt.text.strip():
        text = flt.text.strip()
        stmt = stmt.where(
            sa.or_(
                ActionPlan.title.icontains(text, autoescape=True),
                ActionPlan.description.icontains(text, autoescape=True),
                ActionPlan.owner.icontains(text, autoescape=True),
            )
        )
    return stmt


def _counts(org: Organisation, flt: PlanFilter, terms: _Terms) -> dict[str, int]:
    """How many plans match `flt` in each status and status filter (one statement)."""
    extra = (OPEN, OVERDUE, DUE_SOON, STALE)
    stmt = sa.select(
        ActionPlan.status,
        sa.func.count(ActionPlan.id),
        *(sa.func.sum(sa.case((terms.condition(key), 1), else_=0)) for key in extra),
    ).select_from(ActionPlan)
    stmt = _base(stmt, org, flt, terms).group_by(ActionPlan.status)
    counts = dict.fromkeys(PLAN_STATUS_FILTERS, 0) | {"all": 0}
    for status, number, *sums in db.session.execute(stmt):
        counts[status] = number
        counts["all"] += number
        for key, value in zip(extra, sums, strict=True):
            counts[key] += int(value or 0)
    return counts


def _ordering(sort: str, terms: _Terms) -> tuple:
    due = (ActionPlan.due_date.is_(None), ActionPlan.due_date)
    if sort == "status":
        return (sa.case(STATUS_ORDER, value=ActionPlan.status, else_=9), *due, ActionPlan.id)
    if sort == "updated":
        return (terms.last_at.desc(), ActionPlan.id)
    return (*due, ActionPlan.id)


def _aware(value: datetime | None) -> datetime | None:
    """A stored time as UTC-aware (SQLite hands back aggregated times without a zone)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _rows(org: Organisation, flt: PlanFilter, terms: _Terms, limit: int | None, offset: int) -> list[PlanRow]:
    owner = aliased(User)
    stmt = sa.select(ActionPlan, owner.name, terms.last.c.at).select_from(ActionPlan)
    stmt = (
        _base(stmt, org, flt, terms)
        .outerjoin(ActionPlan.department)
        .outerjoin(owner, ActionPlan.owner_user_id == owner.id)
        .options(
            contains_eager(ActionPlan.goal).contains_eager(Goal.strategy),
            contains_eager(ActionPlan.department),
        )
        .order_by(*_ordering(flt.sort, terms))
    )
    if flt.status:
        stmt = stmt.where(terms.condition(flt.status))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = []
    for plan, owner_name, last in db.session.execute(stmt):
        is_open = plan.status not in CLOSED
        last = _aware(last)
        reference = last or _aware(plan.created_at)
        rows.append(
            PlanRow(
                plan=plan,
                owner_name=owner_name or plan.owner or "",
                last_update=last,
                overdue=is_open and plan.due_date is not None and plan.due_date < terms.today,
                stale=is_open and reference is not None and reference < terms.stale_before,
            )
        )
    return rows


def plan_list(org: Organisation, flt: PlanFilter, today: date, page: int = 1) -> PlanPage:
    """One page of the plans matching `flt`, with counts per status (two SQL statements)."""
    terms = _terms(today, flt.stale_days)
    counts = _counts(org, flt, terms)
    total = counts[flt.status] if flt.status else counts["all"]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = _rows(org, flt, terms, PAGE_SIZE, (page - 1) * PAGE_SIZE) if total else []
    return PlanPage(rows=rows, counts=counts, total=total, page=page, pages=pages, filter=flt)


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value is not None else None


def plan_sheet(org: Organisation, flt: PlanFilter, today: date, *, language: str = "da") -> Sheet:
    """Every plan matching `flt`, in the list's order, as one sheet (one SQL statement)."""
    rows = _rows(org, flt, _terms(today, flt.stale_days), None, 0)
    with force_locale(language):
        headers = [
            _("Action plan"),
            _("Strategy"),
            _("Goal"),
            _("Department"),
            _("Responsible"),
            _("Status"),
            _("Start date"),
            _("Due date"),
            _("Progress"),
            _("Last update"),
            _("Overdue"),
        ]
        data = [
            [
                row.plan.title,
                row.plan.goal.strategy.title,
                row.plan.goal.title,
                row.plan.department.name if row.plan.department else "",
                row.owner_name,
                str(plan_status_label(row.plan.status)),
                row.plan.start_date,
                row.plan.due_date,
                row.plan.progress,
                _local(row.last_update),
                _("Yes") if row.overdue else "",
            ]
            for row in rows
        ]
        title = _("Action plans")
    return Sheet(title, headers, data)
