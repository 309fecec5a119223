"""The API's writes, through the same services and rules as the pages: the service changes the model
and flushes; the view commits once, or rolls back and answers the service's refusal as a problem."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..extensions import db
from ..models import KPI, ActionPlan, ActionPlanUpdate, Measurement, User
from ..services import action_plan as plan_service
from ..services import kpi as kpi_service

FIELDS = ("period", "value", "out_of", "note", "source")


def _same(measurement: Measurement, data: dict[str, Any]) -> bool:
    given = {
        **data,
        "value": float(data["value"]),
        "note": data["note"].strip(),
        "source": data["source"].strip(),
    }
    return all(getattr(measurement, name) == given.get(name) for name in FIELDS)


def upsert_measurement(kpi: KPI, data: dict[str, Any], actor: User) -> tuple[Measurement, str]:
    """The KPI's value for the reporting period of `data["period"]`: entered when the period has none,
    corrected (with a reason, as on the page) when it differs, left alone when it is the same."""
    values = {name: data.get(name) for name in FIELDS}
    existing = kpi_service.period_conflict(kpi, data["period"])
    if existing is None:
        return kpi_service.add_measurement(kpi, **values, actor=actor, today=date.today()), "created"
    if _same(existing, values):
        return existing, "unchanged"
    kpi_service.correct_measurement(
        existing, **values, reason=data["reason"], actor=actor, today=date.today()
    )
    return existing, "corrected"


def record_plan_update(plan: ActionPlan, data: dict[str, Any], actor: User) -> ActionPlanUpdate:
    """A status or progress report, as the plan page's form sends it; without `version` it applies to the
    plan as it is now."""
    version = data["version"] if data.get("version") is not None else plan.version
    return plan_service.record_update(
        plan,
        status=data["status"],
        progress_value=data.get("progress"),
        comment=data.get("comment") or "",
        actor=actor,
        expected_version=version,
        today=date.today(),
        done_on=data.get("done_on"),
    )


def commit() -> None:
    db.session.commit()
