"""/api/v1: the organisation of the token, its strategy, goals, KPIs, action plans and departments, the
national survey ranks; measurements and action-plan updates written through the pages' services."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g
from flask_babel import gettext as _
from marshmallow import RAISE
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import KPI, ActionPlan
from ..permissions import Action
from ..services import ServiceError
from ..services import action_plan as plan_service
from ..web.problems import problem
from . import EVERY, WRITES, bp, problems, reads, writes
from .auth import require
from .schemas import (
    ActionPlanArgs,
    ActionPlanPage,
    ActionPlanSchema,
    ActionPlanUpdateIn,
    ActionPlanUpdateOut,
    DepartmentPage,
    GoalArgs,
    GoalPage,
    KPIArgs,
    KPIPage,
    KPISchema,
    MeasurementIn,
    MeasurementOut,
    NoArgs,
    OrganisationList,
    PageArgs,
    PeriodArgs,
    StrategyPage,
    StrategySchema,
    SurveyRankArgs,
    SurveyRankPage,
    UpdatedSinceArgs,
)


def not_found() -> None:
    abort(problem(404, _("Not found")))


def _refused(exc: Exception, status: int = 422) -> Response:
    db.session.rollback()
    title = _("Conflict") if status == 409 else _("The change was refused")
    field = getattr(exc, "field", None)  # the rule that refused names the field it read, when it can
    return problem(status, title, str(exc), {field: [str(exc)]} if field else None)


def write(action: Any) -> Any:
    """Run the service call, commit once; a refusal rolls everything back and answers a problem."""
    try:
        result = action()
        db.session.commit()
    except (plan_service.StaleVersion, StaleDataError) as exc:
        detail = (
            exc if isinstance(exc, ServiceError) else _("The action plan changed meanwhile. Read it again.")
        )
        abort(_refused(detail, 409))
    except ServiceError as exc:
        abort(_refused(exc))
    return result


@bp.route("/organisations", methods=["GET"])
@bp.etag
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, OrganisationList)
@problems(*EVERY)
def organisations(_args: dict[str, Any]):
    """The organisation of the token (a token belongs to one), with the owner's role there."""
    org = g.org
    item = {"id": org.id, "name": org.name, "slug": org.slug, "municipality_code": org.municipality_code}
    return {"items": [{**item, "role": g.role.value, "scope": g.api_token.scope}]}


@bp.route("/strategies", methods=["GET"])
@bp.etag
@bp.arguments(UpdatedSinceArgs, location="query", unknown=RAISE)
@bp.response(200, StrategyPage)
@problems(*EVERY)
def strategies(args: dict[str, Any]):
    return reads.strategies(args)


@bp.route("/strategies/<int:strategy_id>", methods=["GET"])
@bp.etag
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, StrategySchema)
@problems(*EVERY, 404)
def strategy(_args: dict[str, Any], strategy_id: int):
    found = db.session.scalar(reads.strategy_stmt(strategy_id))
    if found is None:
        not_found()
    return found


@bp.route("/goals", methods=["GET"])
@bp.etag
@bp.arguments(GoalArgs, location="query", unknown=RAISE)
@bp.response(200, GoalPage)
@problems(*EVERY)
def goals(args: dict[str, Any]):
    return reads.goals(args)


@bp.route("/kpis", methods=["GET"])
@bp.etag
@bp.arguments(KPIArgs, location="query", unknown=RAISE)
@bp.response(200, KPIPage)
@problems(*EVERY)
def kpis(args: dict[str, Any]):
    """KPIs with baseline, targets and measurements; `period_from`/`period_to` limit the measurements."""
    return reads.kpis(args)


@bp.route("/kpis/<int:kpi_id>", methods=["GET"])
@bp.etag
@bp.arguments(PeriodArgs, location="query", unknown=RAISE)
@bp.response(200, KPISchema)
@problems(*EVERY, 404)
def kpi(args: dict[str, Any], kpi_id: int):
    found = reads.one_kpi(kpi_id)
    if found is None:
        not_found()
    return reads.kpi_dicts([found], args)[0]


def _measurable(kpi_id: int) -> KPI:
    found = reads.one_kpi(kpi_id)
    if found is None:
        not_found()

    require(Action.ENTER_MEASUREMENT, found.owner_user_id)
    return found


def _put_measurement(data: dict[str, Any], kpi_id: int):
    kpi = _measurable(kpi_id)
    measurement, result = write(lambda: writes.upsert_measurement(kpi, data, g.api_user))
    body = {name: getattr(measurement, name) for name in (*writes.FIELDS, "id", "kpi_id", "updated_at")}
    return {**body, "result": result}, 201 if result == "created" else 200


@bp.route("/kpis/<int:kpi_id>/measurements", methods=["PUT"])
@bp.arguments(MeasurementIn)
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, MeasurementOut, description="The period's value was corrected or was already the same.")
@bp.alt_response(201, schema=MeasurementOut, description="The period's value was entered.", success=True)
@problems(*WRITES, 404)
def put_measurement(data: dict[str, Any], _query: dict[str, Any], kpi_id: int):
    """Enter or correct the KPI's value for a reporting period (idempotent: the same value twice changes
    nothing). A correction needs a `reason`, as on the KPI page."""
    return _put_measurement(data, kpi_id)


@bp.route("/kpis/<int:kpi_id>/measurements", methods=["POST"])
@bp.arguments(MeasurementIn)
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, MeasurementOut, description="The period's value was corrected or was already the same.")
@bp.alt_response(201, schema=MeasurementOut, description="The period's value was entered.", success=True)
@problems(*WRITES, 404)
def post_measurement(data: dict[str, Any], _query: dict[str, Any], kpi_id: int):
    """The same as PUT, for tools that only send POST."""
    return _put_measurement(data, kpi_id)


@bp.route("/action-plans", methods=["GET"])
@bp.etag
@bp.arguments(ActionPlanArgs, location="query", unknown=RAISE)
@bp.response(200, ActionPlanPage)
@problems(*EVERY)
def action_plans(args: dict[str, Any]):
    """Action plans with their update history."""
    return reads.action_plans(args)


def _plan_or_404(plan_id: int) -> ActionPlan:
    found = reads.one_plan(plan_id)
    if found is None:
        not_found()
    return found


@bp.route("/action-plans/<int:action_plan_id>", methods=["GET"])
@bp.etag
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, ActionPlanSchema)
@problems(*EVERY, 404)
def action_plan(_args: dict[str, Any], action_plan_id: int):
    return _plan_or_404(action_plan_id)


@bp.route("/action-plans/<int:action_plan_id>/updates", methods=["POST"])
@bp.arguments(ActionPlanUpdateIn)
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(201, ActionPlanUpdateOut)
@problems(*WRITES, 404, 409)
def update_action_plan(data: dict[str, Any], _query: dict[str, Any], action_plan_id: int):
    """Report status and progress with a comment (delayed needs one; done means 100 %)."""

    plan = _plan_or_404(action_plan_id)
    require(Action.UPDATE_ACTION_PLAN, plan.owner_user_id)
    update = write(lambda: writes.record_plan_update(plan, data, g.api_user))
    return {"update": update, "action_plan": _plan_or_404(action_plan_id)}


@bp.route("/departments", methods=["GET"])
@bp.etag
@bp.arguments(PageArgs, location="query", unknown=RAISE)
@bp.response(200, DepartmentPage)
@problems(*EVERY)
def departments(args: dict[str, Any]):
    return reads.departments(args)


@bp.route("/survey-ranks", methods=["GET"])
@bp.etag
@bp.arguments(SurveyRankArgs, location="query", unknown=RAISE)
@bp.response(200, SurveyRankPage)
@problems(*EVERY)
def survey_ranks(args: dict[str, Any]):
    """DI's survey of business-friendliness: every municipality's rank by year and category."""
    return reads.survey_ranks(args)
