"""Public dashboards: anyone may read a published strategy, without logging in.

Only what a strategy shows the world is here. The strategy page summarises each goal (status, progress, a
sparkline per KPI) and links to the goal's own page, which has each KPI's chart with its data table and the
action plans' status: one page per goal keeps what a phone loads small. Nothing internal: no comments from
action-plan updates, no notes (on measurements, targets or plans), no users (names or e-mail addresses),
only role-title owners; nothing of unpublished or archived strategies (404), nor of archived goals, KPIs or
action plans. Each page runs a fixed number of SQL statements.
"""

from __future__ import annotations

from datetime import date

from flask import abort, render_template
from flask_babel import force_locale
from markupsafe import Markup

from ..charts import chart_labels, chart_locale, frozen_sections, goal_sections, kpi_sparklines
from ..models import Organisation, Strategy
from ..services import report as reports
from ..services import strategy as publishing
from ..services.overview import goal_overview, strategy_overview
from ..web import page_cache
from . import bp

#: A frozen report's charts are drawn at the printed report's width (it is a document, not a dashboard).
PRINT_WIDTH = 640
#: Frozen council reports are frozen in Danish (reports/routes.py REPORT_LOCALE).
FROZEN_LOCALE = "da"


@bp.get("")
def index():
    """Every organisation's published strategies, grouped by organisation (in name order)."""
    groups: list[tuple[Organisation, list[tuple[Strategy, int]]]] = []
    for strategy, goal_count in publishing.published_strategies():
        if not groups or groups[-1][0].id != strategy.organisation_id:
            groups.append((strategy.organisation, []))
        groups[-1][1].append((strategy, goal_count))
    return render_template("public/index.html", rows=groups)


@bp.get("/<org_slug>/strategies/<int:strategy_id>")
def strategy(org_slug: str, strategy_id: int):
    version = page_cache.data_version()
    strategy = publishing.public_strategy(org_slug, strategy_id)
    if strategy is None:
        abort(404)
    today = date.today()

    def draw() -> str:
        body = page_cache.fragment(
            "public-strategy", (strategy.id, today), lambda: _body(strategy, today), version=version
        )
        return render_template(
            "public/strategy.html",
            strategy=strategy,
            organisation=strategy.organisation,
            footer_org=strategy.organisation,
            body=body,
        )

    return page_cache.respond("public-strategy", (strategy.id, today), draw, version=version)


def _body(strategy: Strategy, today: date) -> tuple[str, dict]:
    """The whole page under the navigation: the same for every reader until the data changes."""
    overview = strategy_overview(strategy, today)
    sparklines = kpi_sparklines(overview, chart_labels(), chart_locale())
    html = render_template(
        "public/_strategy_body.html",
        strategy=strategy,
        organisation=strategy.organisation,
        overview=overview,
        sparklines=sparklines,
        today=today,
        council_reports=reports.published_snapshots(strategy),
    )
    return html, {}


@bp.get("/<org_slug>/strategies/<int:strategy_id>/goals/<int:goal_id>")
def goal(org_slug: str, strategy_id: int, goal_id: int):
    """One goal of a published strategy: its KPIs' charts with their tables, and its action plans."""
    version = page_cache.data_version()
    strategy = publishing.public_strategy(org_slug, strategy_id)
    found = publishing.public_goal(strategy, goal_id) if strategy is not None else None
    if found is None:
        abort(404)
    today = date.today()

    def draw() -> str:
        body = page_cache.fragment(
            "public-goal", (found.id, today), lambda: _goal_body(strategy, found, today), version=version
        )
        return render_template(
            "public/goal.html",
            strategy=strategy,
            goal=found,
            organisation=strategy.organisation,
            footer_org=strategy.organisation,
            body=body,
        )

    return page_cache.respond("public-goal", (found.id, today), draw, version=version)


def _goal_body(strategy: Strategy, goal, today: date) -> tuple[str, dict]:
    """The goal page under the navigation: the same for every reader until the data changes."""
    section = goal_sections(
        [goal_overview(goal, today)], today, chart_labels(), chart_locale(), internal=False
    )[0]
    html = render_template(
        "public/_goal_body.html",
        strategy=strategy,
        organisation=strategy.organisation,
        section=section,
        today=today,
    )
    return html, {}


@bp.get("/<org_slug>/strategies/<int:strategy_id>/reports/<int:snapshot_id>")
def snapshot(org_slug: str, strategy_id: int, snapshot_id: int):
    """A frozen council report an administrator has published, without the action plans' comments."""
    strategy = publishing.public_strategy(org_slug, strategy_id)
    snap = reports.published_snapshot(strategy, snapshot_id) if strategy is not None else None
    if snap is None:
        abort(404)
    with force_locale(
        FROZEN_LOCALE
    ):  # the report keeps the language it was frozen in; the page around it not
        body = render_template(
            "workspace/_report_body.html",
            snapshot=snap,
            doc=snap.document,
            sections=frozen_sections(snap.document, chart_labels(), FROZEN_LOCALE, width=PRINT_WIDTH),
            shown=reports.document_sections(snap.document),
            public=True,
        )
    return render_template(
        "public/snapshot.html",
        strategy=strategy,
        organisation=strategy.organisation,
        snapshot=snap,
        body=Markup(body),
    )
