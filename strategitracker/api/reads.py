"""The API's reads: each lists one kind of the token's organisation's rows, never another's.

Archived items are left out, as on the pages. Each list runs a fixed number of statements.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import KPI, ActionPlan, Department, Goal, Municipality, Strategy, SurveyRank
from ..services import kpi as kpi_service
from .pages import page_of


def _since(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def strategies(args: dict[str, Any]) -> dict[str, Any]:
    stmt = sa.select(Strategy).where(Strategy.organisation_id == g.org.id, Strategy.archived_at.is_(None))
    if args.get("updated_since"):
        stmt = stmt.where(Strategy.updated_at >= _since(args["updated_since"]))
    items, meta = page_of(stmt.order_by(Strategy.period_start, Strategy.id), args)
    return {"items": items, "meta": meta}


def strategy_stmt(strategy_id: int) -> sa.Select:
    return sa.select(Strategy).where(
        Strategy.id == strategy_id, Strategy.organisation_id == g.org.id, Strategy.archived_at.is_(None)
    )


def _live_goals() -> sa.Select:
    return (
        sa.select(Goal)
        .join(Strategy, Strategy.id == Goal.strategy_id)
        .where(Goal.organisation_id == g.org.id, Goal.archived_at.is_(None), Strategy.archived_at.is_(None))
    )


def goals(args: dict[str, Any]) -> dict[str, Any]:
    stmt = _live_goals()
    if args.get("strategy_id"):
        stmt = stmt.where(Goal.strategy_id == args["strategy_id"])
    items, meta = page_of(stmt.order_by(Goal.strategy_id, Goal.position, Goal.id), args)
    return {"items": items, "meta": meta}


def live_kpis() -> sa.Select:
    live = _live_goals().with_only_columns(Goal.id)
    return sa.select(KPI).where(
        KPI.organisation_id == g.org.id, KPI.archived_at.is_(None), KPI.goal_id.in_(live)
    )


def _in_period(day: date, args: dict[str, Any]) -> bool:
    start, end = args.get("period_from"), args.get("period_to")
    return (start is None or day >= start) and (end is None or day <= end)


def kpi_dicts(kpis: list[KPI], args: dict[str, Any]) -> list[dict[str, Any]]:
    """KPIs with baseline, current targets and values (their own or the national survey's)."""
    series = kpi_service.series_rows([k.id for k in kpis]) if kpis else {}
    return [
        {
            **{name: getattr(k, name) for name in ("id", "goal_id", "name", "description", "unit", "kind")},
            **{name: getattr(k, name) for name in ("direction", "frequency", "source", "owner")},
            "national_source": kpi_service.is_linked(k, g.org),
            "baseline": {"value": k.baseline_value, "date": k.baseline_date, "out_of": k.baseline_out_of},
            "targets": k.targets,
            "measurements": [row._asdict() for row in series.get(k.id, []) if _in_period(row.period, args)],
        }
        for k in kpis
    ]


def kpis(args: dict[str, Any]) -> dict[str, Any]:
    stmt = live_kpis().options(selectinload(KPI.targets))
    if args.get("goal_id"):
        stmt = stmt.where(KPI.goal_id == args["goal_id"])
    items, meta = page_of(stmt.order_by(KPI.goal_id, KPI.position, KPI.id), args)
    return {"items": kpi_dicts(items, args), "meta": meta}


def one_kpi(kpi_id: int) -> KPI | None:
    return db.session.scalar(live_kpis().where(KPI.id == kpi_id).options(selectinload(KPI.targets)))


def live_plans() -> sa.Select:
    live = _live_goals().with_only_columns(Goal.id)
    return sa.select(ActionPlan).where(
        ActionPlan.organisation_id == g.org.id, ActionPlan.archived_at.is_(None), ActionPlan.goal_id.in_(live)
    )


def action_plans(args: dict[str, Any]) -> dict[str, Any]:
    stmt = live_plans().options(selectinload(ActionPlan.updates))
    if args.get("goal_id"):
        stmt = stmt.where(ActionPlan.goal_id == args["goal_id"])
    if args.get("updated_since"):
        stmt = stmt.where(ActionPlan.updated_at >= _since(args["updated_since"]))
    items, meta = page_of(stmt.order_by(ActionPlan.goal_id, ActionPlan.id), args)
    return {"items": items, "meta": meta}


def one_plan(plan_id: int) -> ActionPlan | None:
    return db.session.scalar(
        live_plans().where(ActionPlan.id == plan_id).options(selectinload(ActionPlan.updates))
    )


def departments(args: dict[str, Any]) -> dict[str, Any]:
    stmt = sa.select(Department).where(
        Department.organisation_id == g.org.id, Department.archived_at.is_(None)
    )
    items, meta = page_of(stmt.order_by(Department.name, Department.id), args)
    return {"items": items, "meta": meta}


def survey_ranks(args: dict[str, Any]) -> dict[str, Any]:
    """The national survey ranks, the same for every organisation."""
    stmt = sa.select(
        SurveyRank.survey,
        SurveyRank.year,
        SurveyRank.category,
        Municipality.code.label("municipality_code"),
        Municipality.name.label("municipality"),
        SurveyRank.rank,
        SurveyRank.out_of,
        SurveyRank.source,
    ).join(Municipality, Municipality.id == SurveyRank.municipality_id)
    if args.get("year"):
        stmt = stmt.where(SurveyRank.year == args["year"])
    if args.get("category"):
        stmt = stmt.where(SurveyRank.category == args["category"])
    if args.get("municipality_code"):
        stmt = stmt.where(Municipality.code == args["municipality_code"])
    stmt = stmt.order_by(
        SurveyRank.year, SurveyRank.survey, SurveyRank.category, SurveyRank.rank, Municipality.code
    )
    rows, meta = page_of(stmt, args, scalars=False)
    return {"items": [row._asdict() for row in rows], "meta": meta}
