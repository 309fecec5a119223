"""KPIs (nøgletal): create, edit, archive, restore.

Every function validates its input (the forms run the same checks first, with the same messages, so a user
sees them beside the field), changes the model, flushes and records an audit event. Nothing here commits.

Rules:
- a rank KPI is always "lower is better" (rank 1 is the best) and its values are whole numbers 1..N;
- a percent KPI's values lie within 0–100;
- a baseline value needs a baseline date (and, for a rank KPI, the N it was ranked out of);
- a KPI's kind can only change when its measurements and targets fit the new kind;
- changing or removing a baseline once set gives a reason, kept in the audit trail with the old values.

The value checks shared with the forms live in rules.py, and targets and measurements in values.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import KPI, Direction, Frequency, Goal, KPIKind, SurveyRank, User
from ...web.i18n import day
from .. import ServiceError, audit
from ..accounts.member_rules import owner_problem
from .derived import derived_definition_problem
from .rules import baseline_changed, direction_problem, out_of_problem, reason_problem, value_problem

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
    derived: str | None = None
    derived_department_id: int | None = None


_KPI_FIELDS = [f.name for f in fields(KPIData)]


def _kpi_state(kpi: KPI) -> dict[str, Any]:
    return {name: audit.jsonable(getattr(kpi, name)) for name in ["goal_id", *_KPI_FIELDS]}


def _clean(data: KPIData) -> KPIData:
    """Trimmed text, and the fields that only apply to rank KPIs cleared for the others."""
    for name in ("name", "description", "unit", "source", "owner", "baseline_source"):
        setattr(data, name, (getattr(data, name) or "").strip())
    if data.kind != KPIKind.RANK:
        data.baseline_out_of = None
        data.survey = data.survey_category = None
    if not data.survey or not data.survey_category:
        data.survey = data.survey_category = None
    if not data.derived:
        data.derived = data.derived_department_id = None
    return data


def _validate(data: KPIData, org_id: int, *, current_owner_id: int | None = None) -> None:
    problem = (
        _definition_problem(data)
        or _baseline_problem(data)
        or owner_problem(org_id, data.owner_user_id, current=current_owner_id)
        or _survey_problem(data)
        or derived_definition_problem(
            data.derived, data.kind, data.survey, data.derived_department_id, org_id
        )
    )
    if problem:
        raise ServiceError(problem)


def _definition_problem(data: KPIData) -> str | None:
    if not data.name:
        return _("The KPI needs a name.")
    if data.kind not in tuple(KPIKind):
        return _("Choose a valid kind.")
    if data.direction not in tuple(Direction):
        return _("Choose a valid direction.")
    if data.frequency not in tuple(Frequency):
        return _("Choose a valid frequency.")
    return direction_problem(data.kind, data.direction)


def _baseline_problem(data: KPIData) -> str | None:
    if data.baseline_value is None:
        return _("Enter the baseline rank as well as N.") if data.baseline_out_of is not None else None
    if data.baseline_date is None:
        return _("Enter the date of the baseline value.")
    problem = out_of_problem(data.kind, data.baseline_out_of, required=True) or value_problem(
        data.kind, data.baseline_value, data.baseline_out_of
    )
    return _("Baseline: %(problem)s", problem=problem) if problem else None


def _survey_problem(data: KPIData) -> str | None:
    if data.survey is None:
        return None
    known = db.session.scalar(
        sa.select(SurveyRank.id)
        .where(SurveyRank.survey == data.survey, SurveyRank.category == data.survey_category)
        .limit(1)
    )
    return None if known is not None else _("Choose a survey category that has survey data.")


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


def update_kpi(kpi: KPI, data: KPIData, *, actor: User, reason: str = "") -> bool:
    """Apply the changes; False (and no audit event) when nothing changed. `reason` is required when the
    baseline changes, and kept in the audit event."""
    if kpi.archived_at is not None:
        raise ServiceError(_("The KPI is archived. Restore it before editing it."))
    data = _clean(data)
    _validate(data, kpi.organisation_id, current_owner_id=kpi.owner_user_id)
    rebased = baseline_changed(kpi, data.baseline_value, data.baseline_date, data.baseline_out_of)
    if rebased and (problem := reason_problem(reason)):
        raise ServiceError(_("Baseline: %(problem)s", problem=problem))
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
        after={k: after[k] for k in changed} | ({"reason": reason.strip()} if rebased else {}),
    )
    return True
