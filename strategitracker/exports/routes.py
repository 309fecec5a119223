"""Export pages and downloads under /o/<slug>/exports/.

Every member may export (viewers too): an export shows nothing a member cannot already read on the pages,
and councils want the numbers in Excel. Benchmark rankings are national, public data shared by all
organisations; they are exported under the organisation's URL so that only logged-in members can fetch them.

- GET /o/<slug>/exports/?strategy_id=ID — the export page of a strategy: choose what, which part and the
  format. Its forms are sent with GET back to this page, which checks them and redirects to a download.
- GET /o/<slug>/exports/measurements?strategy_id=ID|goal_id=ID|kpi_id=ID&format=xlsx|csv[&danish=1]
- GET /o/<slug>/exports/action-plans?strategy_id=ID|goal_id=ID&format=…  (.xlsx has a "History" sheet)
- GET /o/<slug>/exports/action-plan-history?strategy_id=ID|goal_id=ID&format=…
- GET /o/<slug>/exports/rankings?[survey=S][&category=C…][&municipality=CODE…]&format=…

Headers are in the user's language (Danish or English); the importers read both. A bad request (no or two
scopes, an unknown format, a KPI for action plans) shows the export page again with the message (400).
"""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields import SelectChoice

from ..extensions import db
from ..models import KPI, Goal, Strategy
from ..permissions import Action, deny, get_in_org_or_404, org_view
from ..services import ServiceError, exports
from ..view_helpers import submit
from . import bp
from .forms import RankingExportForm, ScopeExportForm, StrategyChoiceForm

SCOPE_PARAMS = (("strategy_id", Strategy, "strategy"), ("goal_id", Goal, "goal"), ("kpi_id", KPI, "kpi"))
SCOPE_PREFIX = "data"
RANKING_PREFIX = "bench"
_TRUE = ("1", "true", "on", "y", "yes")


def _language() -> str:
    locale = get_locale()
    language = locale.language if locale is not None else "da"
    return language if language in exports.LANGUAGES else "da"


# ---------------------------------------------------------------------------------------------- the page


def _strategies() -> list[Strategy]:
    return list(
        db.session.scalars(
            sa.select(Strategy)
            .where(Strategy.organisation_id == g.org.id, Strategy.archived_at.is_(None))
            .order_by(Strategy.period_start.desc(), Strategy.title)
        )
    )


def _scope_choices(strategy: Strategy) -> list[tuple[str, str]]:
    """The strategy, its goals and their KPIs (not archived) as choices (two SQL statements)."""
    goals = list(
        db.session.scalars(
            sa.select(Goal)
            .where(Goal.strategy_id == strategy.id, Goal.archived_at.is_(None))
            .order_by(Goal.position, Goal.id)
        )
    )
    kpis: dict[int, list[KPI]] = {}
    if goals:
        for kpi in db.session.scalars(
            sa.select(KPI)
            .where(KPI.goal_id.in_([goal.id for goal in goals]), KPI.archived_at.is_(None))
            .order_by(KPI.position, KPI.id)
        ):
            kpis.setdefault(kpi.goal_id, []).append(kpi)
    choices = [
        SelectChoice(f"strategy-{strategy.id}", _("The whole strategy: %(title)s", title=strategy.title))
    ]
    for goal in goals:
        choices.append(SelectChoice(f"goal-{goal.id}", _("Goal: %(title)s", title=goal.title)))
        for kpi in kpis.get(goal.id, []):
            label = _("KPI: %(name)s (goal: %(goal)s)", name=kpi.name, goal=goal.title)
            choices.append(SelectChoice(f"kpi-{kpi.id}", label))
    return choices


def _scope_form(strategy: Strategy | None, submitted: bool) -> ScopeExportForm | None:
    if strategy is None:
        return None
    form = ScopeExportForm(formdata=request.args if submitted else None, prefix=SCOPE_PREFIX)
    form.scope.choices = _scope_choices(strategy)
    return form


def _ranking_form(submitted: bool) -> RankingExportForm:
    form = RankingExportForm(formdata=request.args if submitted else None, prefix=RANKING_PREFIX)
    surveys, categories, municipalities = exports.ranking_choices()
    form.survey.choices = [SelectChoice("", _("All surveys"))] + [SelectChoice(s) for s in surveys]
    form.category.choices = [SelectChoice(c) for c in categories]
    form.municipality.choices = [SelectChoice(code, f"{name} ({code})") for code, name in municipalities]
    if not submitted and g.org.municipality_code in {code for code, _name in municipalities}:
        form.municipality.data = [g.org.municipality_code]
    return form


def _chosen_strategy(strategies: list[Strategy]) -> Strategy | None:
    raw = request.args.get("strategy_id")
    if raw:
        try:
            strategy_id = int(raw)
        except ValueError:
            deny(404)
        return get_in_org_or_404(Strategy, strategy_id)
    return strategies[0] if len(strategies) == 1 else None


def _page(
    strategy: Strategy | None, strategies: list[Strategy], scope_form=None, ranking_form=None, status=200
):
    choice = StrategyChoiceForm(formdata=None)
    choice.strategy_id.choices = [SelectChoice(s.id, s.title) for s in strategies]
    if strategy is not None and strategy.archived_at is not None:
        choice.strategy_id.choices.append(SelectChoice(strategy.id, strategy.title))
    choice.strategy_id.data = strategy.id if strategy is not None else None
    return render_template(
        "exports/index.html",
        strategy=strategy,
        strategies=strategies,
        choice_form=choice,
        scope_form=scope_form if scope_form is not None else _scope_form(strategy, False),
        ranking_form=ranking_form if ranking_form is not None else _ranking_form(False),
    ), status


@bp.get("/")
@org_view(Action.VIEW)
def index():
    strategies = _strategies()
    strategy = _chosen_strategy(strategies)
    options = {"format": None, "danish": None}
    if strategy is not None and f"{SCOPE_PREFIX}-kind" in request.args:
        form = _scope_form(strategy, True)
        if not form.validate():
            return _page(strategy, strategies, scope_form=form, status=400)
        level, _sep, object_id = form.scope.data.partition("-")
        options = {"format": form.file_format.data, "danish": "1" if form.danish.data else None}
        endpoint = {
            exports.MEASUREMENTS: ".measurements",
            exports.ACTION_PLANS: ".action_plans",
            exports.ACTION_PLAN_HISTORY: ".action_plan_history",
        }[form.kind.data]
        return redirect(
            url_for(endpoint, slug=g.org.slug, **{f"{level}_id": int(object_id)}, **_present(options))
        )
    if f"{RANKING_PREFIX}-file_format" in request.args:
        form = _ranking_form(True)
        if not form.validate():
            return _page(strategy, strategies, ranking_form=form, status=400)
        options = {
            "format": form.file_format.data,
            "danish": "1" if form.danish.data else None,
            "survey": form.survey.data or None,
            "category": form.category.data or None,
            "municipality": form.municipality.data or None,
        }
        return redirect(url_for(".rankings", slug=g.org.slug, **_present(options)))
    return _page(strategy, strategies)


def _present(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


# ---------------------------------------------------------------------------------------------- downloads


def _scope_from_args() -> exports.Scope:
    """The one strategy_id, goal_id or kpi_id of the request, loaded within the organisation."""
    given = [(param, model, attr) for param, model, attr in SCOPE_PARAMS if request.args.get(param)]
    if len(given) != 1:
        raise ServiceError(_("Choose a strategy, a goal or a KPI to export."))
    param, model, attr = given[0]
    try:
        object_id = int(request.args[param])
    except ValueError:
        deny(404)
    return exports.Scope(**{attr: get_in_org_or_404(model, object_id)})


def _strategy_of(scope: exports.Scope | None) -> Strategy | None:
    if scope is None:
        return None
    if scope.strategy is not None:
        return scope.strategy
    goal = scope.goal or scope.kpi.goal
    return goal.strategy


def _refused(message: str, scope: exports.Scope | None = None):
    db.session.rollback()
    flash(message, "error")
    return _page(_strategy_of(scope), _strategies(), status=400)


def _send(kind: str, scope: exports.Scope | None = None, **filters):
    return submit(
        lambda: exports.build_export(
            kind,
            g.org,
            fmt=request.args.get("format", exports.XLSX),
            scope=scope,
            danish=request.args.get("danish", "").lower() in _TRUE,
            language=_language(),
            today=date.today(),
            **filters,
        ),
        done=_download,
        refused=lambda: _page(_strategy_of(scope), _strategies(), status=400),
        read_only=True,
    )


def _download(export):
    response = send_file(
        io.BytesIO(export.data),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _scoped(kind: str):
    return submit(
        _scope_from_args,
        done=lambda scope: _send(kind, scope),
        refused=lambda: _page(None, _strategies(), status=400),
        read_only=True,
    )


@bp.get("/measurements")
@org_view(Action.VIEW)
def measurements():
    return _scoped(exports.MEASUREMENTS)


@bp.get("/action-plans")
@org_view(Action.VIEW)
def action_plans():
    return _scoped(exports.ACTION_PLANS)


@bp.get("/action-plan-history")
@org_view(Action.VIEW)
def action_plan_history():
    return _scoped(exports.ACTION_PLAN_HISTORY)


@bp.get("/rankings")
@org_view(Action.VIEW)
def rankings():
    codes = []
    for raw in request.args.getlist("municipality"):
        try:
            codes.append(int(raw))
        except ValueError:
            return _refused(_("A municipality code is a whole number, such as 787."))
    return _send(
        exports.RANKINGS,
        survey=request.args.get("survey") or None,
        categories=[c for c in request.args.getlist("category") if c],
        municipality_codes=codes,
    )
