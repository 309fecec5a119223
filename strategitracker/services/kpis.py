"""KPIs (nøgletal): create, edit, archive, restore; set dated targets; enter and correct measurements.

Every function validates its input (the forms run the same checks first, with the same messages, so a user
sees them beside the field), changes the model, flushes and records an audit event. Nothing here commits.

Rules:
- a rank KPI is always "lower is better" (rank 1 is the best) and its values are whole numbers 1..N;
- a percent KPI's values lie within 0–100;
- a baseline value needs a baseline date (and, for a rank KPI, the N it was ranked out of);
- a target must be dated after the baseline date; a new target for a date that already has one is a new row,
  the older row stays as history;
- one measurement per KPI and reporting period (calendar month, quarter or year, following the KPI's
  frequency); a correction keeps the old values in the audit trail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import day
from ..models import (
    KPI,
    Direction,
    Frequency,
    Goal,
    KPIKind,
    KPITarget,
    Measurement,
    Membership,
    SurveyRank,
    User,
)
from ..models._types import utcnow
from . import ServiceError, audit

# -- validation shared with the forms ---------------------------------------------------------------------


def direction_problem(kind: str, direction: str) -> str | None:
    if kind == KPIKind.RANK and direction != Direction.LOWER:
        return _("A rank KPI must be “lower is better”: rank 1 is the best.")
    return None


def value_problem(kind: str, value: float, out_of: int | None = None) -> str | None:
    """Why `value` (with `out_of` for ranks, when known) cannot be a value of a `kind` KPI, or None."""
    if value is None or not math.isfinite(value):
        return _("Enter a number.")
    if kind == KPIKind.PERCENT and not 0 <= value <= 100:
        return _("A percentage must be between 0 and 100.")
    if kind == KPIKind.RANK:
        if value < 1 or not float(value).is_integer():
            return _("A rank must be a whole number of 1 or more.")
        if out_of is not None and value > out_of:
            return _("The rank cannot be higher than N (%(n)s).", n=out_of)
    return None


def out_of_problem(kind: str, out_of: int | None, *, required: bool) -> str | None:
    """Why `out_of` (N, how many were ranked) is not acceptable for a `kind` KPI, or None."""
    if kind != KPIKind.RANK:
        return None
    if out_of is None:
        return _("Enter N (how many were ranked).") if required else None
    if out_of < 1:
        return _("N must be a whole number of 1 or more.")
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


# -- KPIs -------------------------------------------------------------------------------------------------


@dataclass
class KPIData:
    """What a facilitator fills in for a KPI."""

    name: str
    kind: str = KPIKind.NUMBER
    direction: str = Direction.HIGHER
    frequency: str = Frequency.YEARLY
    description: str = ""
    unit: str = ""
    source: str = ""
    owner: str = ""
    owner_user_id: int | None = None
    baseline_value: float | None = None
    baseline_date: date | None = None
    baseline_out_of: int | None = None
    baseline_source: str = ""
    survey: str | None = None
    survey_category: str | None = None


_KPI_FIELDS = [f.name for f in fields(KPIData)]


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _kpi_state(kpi: KPI) -> dict[str, Any]:
    return {name: _json(getattr(kpi, name)) for name in ["goal_id", *_KPI_FIELDS]}


def _clean(data: KPIData) -> KPIData:
    """Trimmed text, and the fields that only apply to rank KPIs cleared for the others."""
    for name in ("name", "description", "unit", "source", "owner", "baseline_source"):
        setattr(data, name, (getattr(data, name) or "").strip())
    if data.kind != KPIKind.RANK:
        data.baseline_out_of = None
        data.survey = data.survey_category = None
    if not data.survey or not data.survey_category:
        data.survey = data.survey_category = None
    return data


def _validate(data: KPIData, org_id: int, *, current_owner_id: int | None = None) -> None:
    if not data.name:
        raise ServiceError(_("The KPI needs a name."))
    if data.kind not in tuple(KPIKind):
        raise ServiceError(_("Choose a valid kind."))
    if data.direction not in tuple(Direction):
        raise ServiceError(_("Choose a valid direction."))
    if data.frequency not in tuple(Frequency):
        raise ServiceError(_("Choose a valid frequency."))
    problem = direction_problem(data.kind, data.direction)
    if problem:
        raise ServiceError(problem)
    if data.baseline_value is not None:
        if data.baseline_date is None:
            raise ServiceError(_("Enter the date of the baseline value."))
        problem = out_of_problem(data.kind, data.baseline_out_of, required=True) or value_problem(
            data.kind, data.baseline_value, data.baseline_out_of
        )
        if problem:
            raise ServiceError(_("Baseline: %(problem)s", problem=problem))
    elif data.baseline_out_of is not None:
        raise ServiceError(_("Enter the baseline rank as well as N."))
    if data.owner_user_id is not None and data.owner_user_id != current_owner_id:
        member = db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == data.owner_user_id,
                Membership.organisation_id == org_id,
                Membership.active.is_(True),
            )
        )
        if member is None:
            raise ServiceError(_("The owner must be a member of the organisation."))
    if data.survey is not None:
        known = db.session.scalar(
            sa.select(SurveyRank.id)
            .where(SurveyRank.survey == data.survey, SurveyRank.category == data.survey_category)
            .limit(1)
        )
        if known is None:
            raise ServiceError(_("Choose a survey category that has survey data."))


def _check_archived(goal: Goal) -> None:
    if goal.archived_at is not None or goal.strategy.archived_at is not None:
        raise ServiceError(_("The goal is archived. Restore it before changing its KPIs."))


def create_kpi(goal: Goal, data: KPIData, *, actor: User) -> KPI:
    data = _clean(data)
    _check_archived(goal)
    _validate(data, goal.organisation_id)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(KPI.position), 0)).where(KPI.goal_id == goal.id)
    )
    kpi = KPI(goal=goal, organisation_id=goal.organisation_id, position=position + 1)
    for name in _KPI_FIELDS:
        setattr(kpi, name, getattr(data, name))
    db.session.add(kpi)
    db.session.flush()
    audit.record(
        "kpi.create",
        "kpi",
        kpi.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        after=_kpi_state(kpi),
    )
    return kpi


def _kind_change_problem(kpi: KPI, kind: str) -> str | None:
    """Whether the KPI's existing measurements and targets fit `kind`; a message if not."""
    for m in kpi.measurements:
        problem = value_problem(kind, m.value, m.out_of) or out_of_problem(kind, m.out_of, required=True)
        if problem is None and kind != KPIKind.RANK and m.out_of is not None:
            problem = _("it has N (%(n)s), which only rank KPIs have.", n=m.out_of)
        if problem:
            return _(
                "the measurement for %(date)s does not fit: %(problem)s", date=day(m.period), problem=problem
            )
    for t in kpi.targets:
        problem = value_problem(kind, t.value)
        if problem:
            return _(
                "the target for %(date)s does not fit: %(problem)s", date=day(t.target_date), problem=problem
            )
    return None


def update_kpi(kpi: KPI, data: KPIData, *, actor: User) -> bool:
    """Apply the changes; False (and no audit event) when nothing changed."""
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before editing it."))
    data = _clean(data)
    _validate(data, kpi.organisation_id, current_owner_id=kpi.owner_user_id)
    if data.kind != kpi.kind:
        problem = _kind_change_problem(kpi, data.kind)
        if problem:
            raise ServiceError(_("The kind cannot be changed: %(problem)s", problem=problem))
    before = _kpi_state(kpi)
    for name in _KPI_FIELDS:
        setattr(kpi, name, getattr(data, name))
    after = _kpi_state(kpi)
    if after == before:
        return False
    db.session.flush()
    changed = [k for k in after if after[k] != before[k]]
    audit.record(
        "kpi.update",
        "kpi",
        kpi.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True


def archive_kpi(kpi: KPI, *, actor: User) -> bool:
    """Archive (never delete) the KPI; False when it already was archived."""
    if kpi.archived_at is not None:
        return False
    kpi.archived_at = utcnow()
    db.session.flush()
    audit.record(
        "kpi.archive",
        "kpi",
        kpi.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before={"archived_at": None},
        after={"archived_at": kpi.archived_at.isoformat(), "name": kpi.name},
    )
    return True


def restore_kpi(kpi: KPI, *, actor: User) -> bool:
    """Bring an archived KPI back; False when it was not archived."""
    if kpi.archived_at is None:
        return False
    _check_archived(kpi.goal)
    before = {"archived_at": kpi.archived_at.isoformat()}
    kpi.archived_at = None
    db.session.flush()
    audit.record(
        "kpi.restore",
        "kpi",
        kpi.id,
        organisation_id=kpi.organisation_id,
        user_id=actor.id,
        before=before,
        after={"archived_at": None, "name": kpi.name},
    )
    return True


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


def _check_measurement(kpi: KPI, value: float, out_of: int | None) -> None:
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before entering measurements."))
    problem = out_of_problem(kpi.kind, out_of, required=True) or value_problem(kpi.kind, value, out_of)
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
) -> Measurement:
    """Enter the KPI's value for a period; a second one for the same period is refused (use a correction)."""
    _check_measurement(kpi, value, out_of)
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
    actor: User,
) -> bool:
    """Correct a measurement; the old values stay in the audit trail. False when nothing changed."""
    kpi = measurement.kpi
    _check_measurement(kpi, value, out_of)
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
        after=after,
    )
    return True
