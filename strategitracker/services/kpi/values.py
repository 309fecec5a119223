"""A KPI's values over time: dated targets, and measurements entered and corrected.

Kept apart from the KPI's definition (definitions.py): these are the editors' recurring writes, where
definitions.py holds what a facilitator sets up once. As everywhere in the
services: validate, change, flush, record an audit event; nothing here commits.

Rules:
- a target must be dated after the baseline date; a new target for a date that already has one is a new row,
  the older row stays as history;
- one measurement per KPI and reporting period (calendar month, quarter or year, following the KPI's
  frequency), and none for a period that has not begun;
- a correction or deletion of a measurement, and the deletion of a target, gives a reason; the old values
  and the reason are kept in the audit trail.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import KPI, KPIKind, KPITarget, Measurement, User
from .. import ServiceError, audit
from .rules import (
    duplicate_period_message,
    future_period_problem,
    out_of_problem,
    period_conflict,
    reason_problem,
    target_date_problem,
    value_problem,
)
from .series import national_source_problem


def _check_reason(reason: str) -> str:
    problem = reason_problem(reason)
    if problem:
        raise ServiceError(problem)
    return reason.strip()


# -- targets ----------------------------------------------------------------------------------------------


def _target_state(target: KPITarget) -> dict[str, Any]:
    return {
        "kpi_id": target.kpi_id,
        "value": target.value,
        "target_date": target.target_date.isoformat(),
        "set_on": target.set_on.isoformat(),
        "set_by_id": target.set_by_id,
        "note": target.note,
    }


def add_target(
    kpi: KPI, value: float, target_date: date, note: str = "", *, actor: User, today: date | None = None
) -> KPITarget:
    """Set a dated target. A target for a date that already has one is added as a new row; the older row
    stays as history (the newest row for a date is the current target)."""
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before setting targets."))
    problem = value_problem(kpi.kind, value) or target_date_problem(kpi, target_date)
    if problem:
        raise ServiceError(problem)
    previous = db.session.scalar(
        sa.select(KPITarget)
        .where(KPITarget.kpi_id == kpi.id, KPITarget.target_date == target_date)
        .order_by(KPITarget.set_on.desc(), KPITarget.id.desc())
        .limit(1)
    )
    target = KPITarget(
        kpi_id=kpi.id,
        value=float(value),
        target_date=target_date,
        set_on=today or date.today(),
        set_by_id=actor.id,
        note=(note or "").strip(),
    )
    db.session.add(target)
    db.session.flush()
    audit.record(
        "kpi.target_set",
        "kpi_target",
        target.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before=({"target_id": previous.id, **_target_state(previous)} if previous is not None else None),
        after=_target_state(target),
    )
    return target


def delete_target(target: KPITarget, reason: str, *, actor: User) -> None:
    """Delete a target set by mistake; its values and the reason stay in the audit trail.

    A target that was replaced by a newer one for the same date is history and can be deleted the same way;
    deleting the current target makes the previous one for that date current again."""
    kpi = target.kpi
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before changing its targets."))
    reason = _check_reason(reason)
    before = {"target_id": target.id, **_target_state(target)}
    db.session.delete(target)
    db.session.flush()
    audit.record(
        "kpi.target_delete",
        "kpi_target",
        before["target_id"],
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before=before,
        after={"reason": reason},
    )


# -- measurements -----------------------------------------------------------------------------------------


def _measurement_state(m: Measurement) -> dict[str, Any]:
    return {
        "kpi_id": m.kpi_id,
        "period": m.period.isoformat(),
        "value": m.value,
        "out_of": m.out_of,
        "note": m.note,
        "source": m.source,
    }


def _check_measurement(kpi: KPI, period: date, value: float, out_of: int | None, today: date | None) -> None:
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before entering measurements."))
    national = national_source_problem(kpi)
    if national:
        raise ServiceError(national)
    problem = (
        future_period_problem(kpi.frequency, period, today or date.today())
        or out_of_problem(kpi.kind, out_of, required=True)
        or value_problem(kpi.kind, value, out_of)
    )
    if problem is None and kpi.kind != KPIKind.RANK and out_of is not None:
        problem = _("Only rank KPIs have N.")
    if problem:
        raise ServiceError(problem)


def add_measurement(
    kpi: KPI,
    period: date,
    value: float,
    out_of: int | None = None,
    note: str = "",
    source: str = "",
    *,
    actor: User,
    today: date | None = None,
) -> Measurement:
    """Enter the KPI's value for a period; a second one for the same period is refused (use a correction)."""
    _check_measurement(kpi, period, value, out_of, today)
    existing = period_conflict(kpi, period)
    if existing is not None:
        raise ServiceError(duplicate_period_message(existing))
    measurement = Measurement(
        kpi_id=kpi.id,
        period=period,
        value=float(value),
        out_of=out_of,
        note=(note or "").strip(),
        source=(source or "").strip(),
        entered_by_id=actor.id,
    )
    db.session.add(measurement)
    try:
        with db.session.begin_nested():  # a concurrent entry for the same date trips the unique constraint
            db.session.flush()
    except sa.exc.IntegrityError:
        raise ServiceError(_("There is already a measurement for this period. Reload the page.")) from None
    audit.record(
        "measurement.create",
        "measurement",
        measurement.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        after=_measurement_state(measurement),
    )
    return measurement


def correct_measurement(
    measurement: Measurement,
    period: date,
    value: float,
    out_of: int | None = None,
    note: str = "",
    source: str = "",
    *,
    reason: str,
    actor: User,
    today: date | None = None,
) -> bool:
    """Correct a measurement; the old values and the reason stay in the audit trail. False when nothing
    changed."""
    kpi = measurement.kpi
    _check_measurement(kpi, period, value, out_of, today)
    reason = _check_reason(reason)
    existing = period_conflict(kpi, period, exclude_id=measurement.id)
    if existing is not None:
        raise ServiceError(duplicate_period_message(existing))
    before = _measurement_state(measurement)
    measurement.period = period
    measurement.value = float(value)
    measurement.out_of = out_of
    measurement.note = (note or "").strip()
    measurement.source = (source or "").strip()
    after = _measurement_state(measurement)
    if after == before:
        return False
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise ServiceError(_("There is already a measurement for this period. Reload the page.")) from None
    audit.record(
        "measurement.correct",
        "measurement",
        measurement.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before=before,
        after={**after, "reason": reason},
    )
    return True


def delete_measurement(measurement: Measurement, reason: str, *, actor: User) -> None:
    """Delete a measurement entered by mistake; its values and the reason stay in the audit trail."""
    kpi = measurement.kpi
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before changing its measurements."))
    reason = _check_reason(reason)
    before = _measurement_state(measurement)
    measurement_id = measurement.id
    db.session.delete(measurement)
    db.session.flush()
    audit.record(
        "measurement.delete",
        "measurement",
        measurement_id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before=before,
        after={"reason": reason},
    )
