"""The values of a KPI computed from the business inquiry log or the outreach meetings, in one SQL statement
per call: the inquiries (or meetings) of the KPI's organisation (and department, if set) grouped by the KPI's
month, quarter or year.

The 24-hour rule is the one of services/inquiry/rules.py in SQL: an answer at exactly 24 hours counts as in
time; an inquiry still unanswered and less than 24 hours old is not counted yet. Counted in working hours,
the answer's working time is the one stored with each inquiry (rules.working_seconds, written when the
first answer is saved or imported), and an unanswered inquiry is due once its receipt lies before the
moment 24 working hours ago. The median hours to the first answer is PostgreSQL's percentile_cont; SQLite
takes the middle row(s) by row_number and count, which gives the same value. PostgreSQL groups by the
desk's local time (Europe/Copenhagen); SQLite, which knows no time zones, by UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    KPI,
    Department,
    Derived,
    Frequency,
    Inquiry,
    InquiryOutcome,
    KPIKind,
    OutreachMeeting,
    inquiry_department,
    outreach_department,
)

SHARES = (Derived.ANSWERED_IN_TIME.value, Derived.ANSWERED_IN_WORKING_TIME.value)
LOCAL_ZONE = "Europe/Copenhagen"

#: The KPIs whose values a statement reads, bound when it runs (a list of ids).
KPI_IDS = sa.bindparam("kpi_ids", expanding=True)
DUE_BY_CLOCK = "due_by_clock"
DUE_BY_WORKING_TIME = "due_by_working_time"


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _seconds_between(earlier: sa.ColumnElement, later: sa.ColumnElement) -> sa.ColumnElement:
    if _postgres():
        return sa.extract("epoch", later - earlier)
    return sa.cast(sa.func.strftime("%s", later), sa.Integer) - sa.cast(
        sa.func.strftime("%s", earlier), sa.Integer
    )


def _period_start(
    received: sa.ColumnElement, frequency: sa.ColumnElement, *, local_date: bool = False
) -> sa.ColumnElement:
    """SQL: the first day of the month, quarter or year (following the KPI's frequency) `received` is in;
    `local_date` when it is already a calendar day (a meeting's date), not a moment."""
    if _postgres():
        local = sa.cast(received, sa.DateTime) if local_date else sa.func.timezone(LOCAL_ZONE, received)
        unit = sa.case(
            (frequency == Frequency.MONTHLY.value, "month"),
            (frequency == Frequency.QUARTERLY.value, "quarter"),
            else_="year",
        )
        return sa.cast(sa.func.date_trunc(unit, local), sa.Date)
    months_back = (sa.cast(sa.func.strftime("%m", received), sa.Integer) - 1) % 3
    return sa.case(
        (frequency == Frequency.MONTHLY.value, sa.func.date(received, "start of month")),
        (
            frequency == Frequency.QUARTERLY.value,
            sa.func.date(received, "start of month", sa.func.printf("-%d months", months_back)),
        ),
        else_=sa.func.date(received, "start of year"),
    )


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def _per_inquiry(median: bool) -> sa.Select:
    """One row per (derived KPI, inquiry it counts) with the flags the aggregates sum; the median KPIs
    (`median`) or the other inquiry KPIs, so neither branch of the union reads the inquiries for the other."""
    # imported here: the inquiry package reaches the exports and imports, which need this package first
    from ..inquiry import rules as inquiry_rules

    clock = Derived.ANSWERED_IN_TIME.value
    answered_seconds = _seconds_between(Inquiry.received_at, Inquiry.first_answer_at)
    seconds = sa.case((KPI.derived == clock, answered_seconds), else_=Inquiry.answer_working_seconds)
    due_before = sa.case(
        (KPI.derived == clock, sa.bindparam(DUE_BY_CLOCK, type_=sa.DateTime())),
        else_=sa.bindparam(DUE_BY_WORKING_TIME, type_=sa.DateTime()),
    )
    in_department = sa.or_(
        KPI.derived_department_id.is_(None),
        sa.exists().where(
            inquiry_department.c.inquiry_id == Inquiry.id,
            inquiry_department.c.department_id == KPI.derived_department_id,
        ),
    )
    median_kpi = KPI.derived == Derived.MEDIAN_HOURS.value
    return (
        sa.select(
            KPI.id.label("kpi_id"),
            KPI.derived.label("derived"),
            _period_start(Inquiry.received_at, KPI.frequency).label("period"),
            _flag(
                sa.and_(Inquiry.first_answer_at.is_not(None), seconds <= inquiry_rules.LIMIT_SECONDS)
            ).label("in_time"),
            _flag(sa.or_(Inquiry.first_answer_at.is_not(None), Inquiry.received_at <= due_before)).label(
                "due"
            ),
            _flag(Inquiry.outcome == InquiryOutcome.ALTERNATIVE.value).label("alternative"),
            _flag(Inquiry.outcome.is_not(None)).label("ended"),
            (answered_seconds / 3600.0).label("hours"),
        )
        .join(Inquiry, Inquiry.organisation_id == KPI.organisation_id)
        .where(
            KPI.id.in_(KPI_IDS),
            KPI.derived.is_not(None),
            KPI.derived != Derived.MEETINGS.value,
            median_kpi if median else sa.not_(median_kpi),
            in_department,
        )
    )


def _counted() -> sa.Select:
    """The shares and the counts of inquiries and meetings, grouped in one pass."""
    row = sa.union_all(_per_inquiry(False), _per_meeting()).subquery().c
    basis = sa.case(
        (row.derived.in_(SHARES), sa.func.sum(row.due)),
        (row.derived == Derived.ALTERNATIVE.value, sa.func.sum(row.ended)),
        else_=sa.func.count(),
    )
    value = sa.case(
        (row.derived.in_(SHARES), 100.0 * sa.func.sum(row.in_time) / sa.func.sum(row.due)),
        (
            row.derived == Derived.ALTERNATIVE.value,
            100.0 * sa.func.sum(row.alternative) / sa.func.sum(row.ended),
        ),
        else_=sa.cast(sa.func.count(), sa.Float),
    )
    return (
        sa.select(
            row.kpi_id,
            row.period,
            sa.cast(value, sa.Float).label("value"),
            basis.label("basis"),
            row.derived.label("derived"),
        )
        .group_by(row.kpi_id, row.derived, row.period)
        .having(basis > 0)
    )


def _median() -> sa.Select:
    """The median hours to the first answer of the answered inquiries, and how many there are."""
    row = _per_inquiry(True).subquery().c
    answered = row.hours.is_not(None)
    derived = sa.literal(Derived.MEDIAN_HOURS.value).label("derived")
    if _postgres():
        median = sa.func.percentile_cont(0.5).within_group(row.hours)
        return (
            sa.select(row.kpi_id, row.period, sa.cast(median, sa.Float), sa.func.count(), derived)
            .where(answered)
            .group_by(row.kpi_id, row.period)
        )
    group = (row.kpi_id, row.period)
    ranked = (
        sa.select(
            row.kpi_id,
            row.period,
            row.hours,
            sa.func.row_number().over(partition_by=group, order_by=row.hours).label("n"),
            # the same window as row_number (the whole partition as its frame): one sort serves both
            sa.func.count().over(partition_by=group, order_by=row.hours, rows=(None, None)).label("total"),
        )
        .where(answered)
        .subquery()
    )
    middle = ranked.c
    # the middle row of an odd count, the average of the two middle rows of an even one
    low, high = (middle.total + 1) // 2, (middle.total + 2) // 2
    return (
        sa.select(
            middle.kpi_id,
            middle.period,
            sa.cast(sa.func.avg(middle.hours), sa.Float),
            sa.func.max(middle.total),
            derived,
        )
        .where(sa.or_(middle.n == low, middle.n == high))
        .group_by(middle.kpi_id, middle.period)
    )


def derived_select() -> sa.Select:
    """SQL rows (kpi_id, period, value, basis, derived) of the derived KPIs among the ids bound to `KPI_IDS`;
    `basis` is how many inquiries (or meetings) the value rests on. The moments it compares with are bound
    too (`derived_parameters`): the statement is the same on every call and can be built once."""
    union = sa.union_all(_counted(), _median()).subquery()
    return sa.select(union.c.kpi_id, union.c.period, union.c.value, union.c.basis, union.c.derived)


def derived_parameters(now: datetime | None = None) -> dict[str, datetime]:
    """The values of `derived_select`'s moments at `now`: an unanswered inquiry received at or before them
    is late, by the clock or in working hours."""
    # imported here: the inquiry package reaches the exports and imports, which need this package first
    from ..inquiry import rules as inquiry_rules

    now = now or datetime.now(UTC)
    return {
        DUE_BY_CLOCK: now - timedelta(hours=24),
        DUE_BY_WORKING_TIME: inquiry_rules.working_limit_start(now, inquiry_rules.working_day()),
    }


def _per_meeting() -> sa.Select:
    """SQL: one row per outreach meeting and KPI counting meetings, shaped like the inquiries' rows (the
    inquiry flags are 0: a meeting KPI only counts rows)."""
    in_department = sa.or_(
        KPI.derived_department_id.is_(None),
        sa.exists().where(
            outreach_department.c.meeting_id == OutreachMeeting.id,
            outreach_department.c.department_id == KPI.derived_department_id,
        ),
    )
    zero = sa.literal(0)
    return (
        sa.select(
            KPI.id,
            KPI.derived,
            _period_start(OutreachMeeting.held_on, KPI.frequency, local_date=True),
            zero,
            zero,
            zero,
            zero,
            sa.cast(sa.null(), sa.Float),
        )
        .join(OutreachMeeting, OutreachMeeting.organisation_id == KPI.organisation_id)
        .where(KPI.id.in_(KPI_IDS), KPI.derived == Derived.MEETINGS.value, in_department)
    )


def derived_problem(kpi: KPI) -> str | None:
    """Why no value may be typed in for this KPI (it is computed from the inquiry log), or None."""
    if not kpi.derived:
        return None
    if kpi.derived == Derived.MEETINGS:
        return _("The values of this KPI are computed from the outreach meetings and cannot be entered here.")
    return _("The values of this KPI are computed from the inquiry log and cannot be entered here.")


def basis_note(count: int, derived: str | None = None) -> str:
    """What a computed value rests on: so many inquiries (or meetings)."""
    if derived == Derived.MEETINGS:
        return _("Computed from %(num)d meetings.", num=count)
    return _("Computed from %(num)d inquiries.", num=count)


def derived_definition_problem(
    derived: str | None, kind: str, survey: str | None, department_id: int | None, org_id: int
) -> str | None:
    """Why a KPI cannot be computed from the inquiry log as asked, or None: a share is a percentage, a
    count a number, the department one of the organisation's, and a KPI takes its values from one source."""
    if not derived:
        return None
    if derived not in tuple(Derived):
        return _("Choose what the KPI computes from the inquiry log.")
    numbers = (Derived.INQUIRIES, Derived.MEETINGS, Derived.MEDIAN_HOURS)
    wanted = KPIKind.NUMBER if derived in numbers else KPIKind.PERCENT
    if kind != wanted:
        if derived == Derived.MEDIAN_HOURS:
            return _("The median hours to the first answer is a KPI of the kind number.")
        if wanted == KPIKind.NUMBER:
            return _("A count of inquiries or meetings is a KPI of the kind number.")
        return _("A share of inquiries is a KPI of the kind percentage.")
    if survey:
        return _("A computed KPI cannot also come from a survey.")
    if department_id is not None:
        found = db.session.scalar(
            sa.select(Department.id).where(
                Department.id == department_id, Department.organisation_id == org_id
            )
        )
        if found is None:
            return _("Choose departments of this organisation.")
    return None
