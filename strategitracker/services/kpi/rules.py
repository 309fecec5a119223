"""What a KPI's values may be: the checks shared by the KPI services, the forms and the measurement import.

Each check returns the message to show (or None) instead of raising, so a form can show it beside the field
and a service can raise it as a `ServiceError`; keeping them in one place keeps the messages the same
everywhere. Also the reporting-period rules: one measurement per KPI and calendar month, quarter or year,
following the KPI's frequency, and none for a period that has not begun; and the rule that a correction of
recorded figures (a deleted measurement or target, a changed baseline) gives a reason.
"""

from __future__ import annotations

import math
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...i18n import day, number
from ...models import KPI, Direction, Frequency, KPIKind, Measurement


def direction_problem(kind: str, direction: str) -> str | None:
    if kind == KPIKind.RANK and direction != Direction.LOWER:
        return _("A rank KPI must be “lower is better”: rank 1 is the best.")
    return None


#: The largest size of a value a KPI holds: far beyond any municipal figure, and small enough that every
#: sum, difference and chart axis computed from such values stays an ordinary float.
MAX_ABS_VALUE = 1e15


def value_problem(kind: str, value: float, out_of: int | None = None) -> str | None:
    """Why `value` (with `out_of` for ranks, when known) cannot be a value of a `kind` KPI, or None."""
    if value is None or math.isnan(value):
        return _("Enter a number.")
    if not -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:
        return _(
            "The number is too large: a value must lie between −%(max)s and %(max)s.",
            max=number(MAX_ABS_VALUE),
        )
    if kind == KPIKind.PERCENT and not 0 <= value <= 100:
        return _("A percentage must be between 0 and 100.")
    if kind == KPIKind.RANK:
        if value < 1 or not float(value).is_integer():
            return _("A rank must be a whole number of 1 or more.")
        if out_of is not None and value > out_of:
            return _("The rank cannot be higher than N (%(n)s).", n=number(out_of, 0))
    return None


#: The most that can be ranked (N): far above any survey, and well within a database integer.
MAX_OUT_OF = 1_000_000


def out_of_problem(kind: str, out_of: int | None, *, required: bool) -> str | None:
    """Why `out_of` (N, how many were ranked) is not acceptable for a `kind` KPI, or None."""
    if kind != KPIKind.RANK:
        return None
    if out_of is None:
        return _("Enter N (how many were ranked).") if required else None
    if out_of < 1:
        return _("N must be a whole number of 1 or more.")
    if out_of > MAX_OUT_OF:
        return _("N cannot be more than %(max)s.", max=number(MAX_OUT_OF, 0))
    return None


def target_date_problem(kpi: KPI, target_date: date) -> str | None:
    if kpi.baseline_date is not None and target_date <= kpi.baseline_date:
        return _("The target date must be after the baseline date (%(date)s).", date=day(kpi.baseline_date))
    return None


def period_key(frequency: str, day: date) -> tuple[int, ...]:
    """The reporting period `day` falls in: its month, quarter or year, following the frequency."""
    if frequency == Frequency.MONTHLY:
        return (day.year, day.month)
    if frequency == Frequency.QUARTERLY:
        return (day.year, (day.month - 1) // 3 + 1)
    return (day.year,)


def future_period_problem(frequency: str, period: date, today: date) -> str | None:
    """Why `period` cannot have a measurement yet: it lies after the current month, quarter or year."""
    if period_key(frequency, period) <= period_key(frequency, today):
        return None
    if frequency == Frequency.MONTHLY:
        return _("The period %(date)s lies in a month that has not begun yet.", date=day(period))
    if frequency == Frequency.QUARTERLY:
        return _("The period %(date)s lies in a quarter that has not begun yet.", date=day(period))
    return _("The period %(date)s lies in a year that has not begun yet.", date=day(period))


MAX_REASON = 2000


def reason_problem(reason: str | None) -> str | None:
    """A deletion or correction of recorded figures needs a reason, kept in the audit log."""
    text = (reason or "").strip()
    if not text:
        return _("Give a reason: it is kept in the audit log.")
    if len(text) > MAX_REASON:
        return _("The reason can be at most %(n)s characters.", n=MAX_REASON)
    return None


def baseline_changed(kpi: KPI, value: float | None, on: date | None, out_of: int | None) -> bool:
    """Whether a KPI that already has a baseline gets a different one (setting the first needs no reason).

    N counts only when one is given: a rank KPI refuses a baseline without N anyway, and a KPI that stops
    being a rank KPI drops its N without changing its baseline."""
    if kpi.baseline_value is None and kpi.baseline_date is None:
        return False
    if (kpi.baseline_value, kpi.baseline_date) != (value, on):
        return True
    return out_of is not None and out_of != kpi.baseline_out_of


def period_conflict(kpi: KPI, period: date, *, exclude_id: int | None = None) -> Measurement | None:
    """The KPI's measurement already in the reporting period of `period`, if any (one query)."""
    key = period_key(kpi.frequency, period)
    stmt = sa.select(Measurement).where(
        Measurement.kpi_id == kpi.id,
        Measurement.period >= date(key[0], 1, 1),
        Measurement.period <= date(key[0], 12, 31),
    )
    if exclude_id is not None:
        stmt = stmt.where(Measurement.id != exclude_id)
    for measurement in db.session.scalars(stmt.order_by(Measurement.period)):
        if period_key(kpi.frequency, measurement.period) == key:
            return measurement
    return None


def duplicate_period_message(existing: Measurement) -> str:
    return _(
        "There is already a measurement for this period (%(date)s). To change it, use “Correct” on that "
        "row in the table of measurements.",
        date=day(existing.period),
    )
