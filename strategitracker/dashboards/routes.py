"""Charts pages for every member: a strategy's dashboard and action-plan timeline, and a rank KPI beside
peer municipalities.

All three only read, through the read models in services/overview and services/survey, in a fixed
number of SQL statements whatever the amount of data. The goal page's charts are drawn by the goal view
(routes.py) with the same helpers (strategitracker/charts/pages.py).
"""

from __future__ import annotations

from datetime import date

from flask import g, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .. import progress
from ..charts import (
    DEFAULT_PEERS,
    MAX_PEERS,
    chart_labels,
    chart_locale,
    kpi_chart,
    peer_chart,
    timeline_chart,
)
from ..models import KPI, Goal, Status, Strategy
from ..permissions import get_in_org_or_404, org_view
from ..progress import KPIStatus
from ..services import survey as benchmark
from ..services.overview import GoalView, KPIView, StrategyView, strategy_overview
from ..web import page_cache
from . import bp


def _today() -> date:
    return date.today()


def _tile_kpi(gv: GoalView) -> KPIView | None:
    """The KPI a dashboard tile draws: the goal's first KPI with measurements, else its first KPI."""
    return next((kv for kv in gv.kpis if kv.data.measurements), gv.kpis[0] if gv.kpis else None)


def key_figures(overview: StrategyView) -> dict[str, int]:
    """The dashboard's counts: goals, KPIs (on track), action plans (done) and overdue action plans."""
    kpis = [kv for gv in overview.goals for kv in gv.kpis]
    plans = [plan for gv in overview.goals for plan in gv.action_plans]
    return {
        "goals": len(overview.goals),
        "kpis": len(kpis),
        "kpis_on_track": sum(kv.summary.status == KPIStatus.ON_TRACK for kv in kpis),
        "plans": len(plans),
        "plans_done": sum(plan.status == Status.DONE for plan in plans),
        "overdue_plans": len(overview.attention.overdue_action_plans),
    }


@bp.get("/strategies/<int:strategy_id>/dashboard")
@org_view()
def strategy_dashboard(strategy_id: int):
    version = page_cache.data_version()
    strategy = get_in_org_or_404(Strategy, strategy_id)
    today = _today()

    def draw() -> str:
        body = page_cache.fragment(
            "dashboard", (strategy.id, today), lambda: _dashboard_body(strategy, today), version=version
        )
        return render_template("workspace/strategy_dashboard.html", strategy=strategy, body=body)

    return page_cache.respond("dashboard", (strategy.id, today), draw, version=version)


def _dashboard_body(strategy: Strategy, today: date) -> tuple[str, dict]:
    """Everything under the navigation: the same for every member until the data changes."""
    overview = strategy_overview(strategy, today)
    labels, locale = chart_labels(), chart_locale()
    tiles = []
    for gv in overview.goals:
        kv = _tile_kpi(gv)
        chart = (
            kpi_chart(kv, today, labels=labels, locale=locale, compact=True, id_prefix="chart-dash-kpi")
            if kv is not None
            else None
        )
        tiles.append((gv, kv, chart))
    html = render_template(
        "workspace/_strategy_dashboard_body.html",
        strategy=strategy,
        overview=overview,
        figures=key_figures(overview),
        tiles=tiles,
        today=today,
    )
    return html, {"charts": any(chart is not None for _gv, _kv, chart in tiles)}


@bp.get("/strategies/<int:strategy_id>/timeline")
@org_view()
def strategy_timeline(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    today = _today()
    overview = strategy_overview(strategy, today)
    timeline = timeline_chart(overview, today)
    return render_template(
        "workspace/strategy_timeline.html",
        strategy=strategy,
        overview=overview,
        timeline=timeline,
        overdue_count=sum(1 for row in timeline.rows if row["is_overdue"]),
        today=today,
    )


@bp.get("/kpis/<int:kpi_id>/peers")
@org_view()
def kpi_peers(kpi_id: int):
    kpi = get_in_org_or_404(KPI, kpi_id, options=(joinedload(KPI.goal).joinedload(Goal.strategy),))
    context: dict = {"kpi": kpi, "max_peers": MAX_PEERS, "default_peers": DEFAULT_PEERS}
    if kpi.kind != progress.RANK or not kpi.survey:
        context["problem"] = _(
            "This KPI is not a rank from a benchmark survey, so there are no other municipalities to "
            "compare it with."
        )
        return render_template("workspace/kpi_peers.html", **context)
    municipality = benchmark.municipality_of(g.org)
    categories = benchmark.categories_with_data(kpi.survey, municipality.id) if municipality else []
    if municipality is None or not categories:
        context["problem"] = _(
            "There is no survey data for %(organisation)s yet (the organisation's municipality code "
            "finds its rows in the survey data).",
            organisation=g.org.name,
        )
        return render_template("workspace/kpi_peers.html", **context)

    asked = request.args.get("category", "")
    if asked in categories:
        category = asked
    elif kpi.survey_category in categories:
        category = kpi.survey_category
    else:
        category = categories[0]
    available = [
        m for m in benchmark.municipalities_with_data(kpi.survey, category) if m.id != municipality.id
    ]
    # The municipalities asked for (?peer=<code>, several) that have data in the category; when none
    # of them has (or none was asked for), the first DEFAULT_PEERS with data, by name.
    requested = set(request.args.getlist("peer"))
    wanted = [m for m in available if str(m.code) in requested]
    chosen = wanted[:MAX_PEERS] if wanted else available[:DEFAULT_PEERS]
    too_many = len(wanted) > MAX_PEERS
    series = benchmark.rank_series(kpi.survey, category, [municipality.id] + [m.id for m in chosen])
    names = [m.name for m in chosen]
    context.update(
        municipality=municipality,
        categories=categories,
        category=category,
        available=available,
        chosen_codes={m.code for m in chosen},
        too_many=too_many,
        peers=peer_chart(kpi.id, series, municipality.name, names, category),
    )
    return render_template("workspace/kpi_peers.html", **context)
