"""The charts of the pages: read models in (services/overview/strategy.py), figures and tables out.

The `charts` package builds the figures and stays pure; this module gives it the page's data, the translated
labels (`chart_labels()`) and the locale, and writes the caption and the data table that go with every
chart (templates/charts/_chart.html draws them). No function here runs a query: everything comes from the
read models, which load it in a fixed number of statements. The workspace pages and the public pages (no
internal notes) draw from the read models; the council report, today's as well as a frozen one, draws from the
report's document (services/report/snapshot.py), sized and still for paper (`frozen_kpi_chart`).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from flask import g, has_request_context
from flask_babel import gettext as _

from .. import progress
from ..formatting import format_date, format_number, format_percent, format_rank
from ..services.overview import GoalView, KPIView, StrategyView
from ..status import kpi_status_label, plan_status_label
from ..web.i18n import day
from ..web.page_cache import code_release
from . import figures
from .labels import chart_labels, chart_locale

#: The most municipalities the peer chart draws beside the organisation's own line, and how many it
#: shows when nobody has chosen.
MAX_PEERS = 7
DEFAULT_PEERS = 6


@dataclass
class Chart:
    """One chart for `chart(id, figure, title, table_rows, columns)` in templates/charts/_chart.html."""

    id: str
    figure: dict[str, Any]
    title: str
    rows: list[Any] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    #: The KPI a KPI chart is about (None for the other charts).
    kpi: Any = None
    #: False for a KPI with neither a baseline nor a measurement: paper says so instead of an empty chart.
    has_values: bool = True
    #: How many older measurement rows a report left out of the table (`frozen_kpi_chart`'s `keep`).
    omitted: int = 0
    #: A KPI's yearly summary for the report (`yearly_rows`): year, last value, its date, measurements.
    years: list[dict[str, str]] = field(default_factory=list)


def yearly_rows(data: progress.KPIInput, fmt: figures.KPIFormatter, locale: str) -> list[dict[str, str]]:
    """One row per year: the year's last value and date and the number of measurements (progress.yearly)."""
    return [
        {
            "year": str(y.year),
            "value": fmt.value(y.last.value, y.last.out_of),
            "period": fmt.date(y.last.period),
            "count": format_number(y.count, 0, locale),
        }
        for y in progress.yearly(data.measurements)
    ]


# -- KPI -----------------------------------------------------------------------------------------------------


def _kpi_value(kv: KPIView, value: float, out_of: int | None, labels: Mapping[str, str], locale: str) -> str:
    kpi = kv.kpi
    if kpi.kind == progress.RANK:
        rank = format_rank(value, locale)
        if out_of is None:
            return labels["rank_only"] % {"rank": rank}
        return labels["rank_of"] % {"rank": rank, "n": format_number(out_of, 0, locale)}
    if kpi.kind == progress.PERCENT:
        return format_percent(value, None, locale)
    number = format_number(value, None, locale)
    return f"{number} {kpi.unit}" if kpi.unit else number


def kpi_caption(kv: KPIView, labels: Mapping[str, str], locale: str) -> str:
    """A sentence that says what the chart shows: the KPI, its status, latest value, baseline and target."""
    s = kv.summary
    parts = [kv.kpi.name, _("Status: %(status)s", status=kpi_status_label(s.status))]
    if s.latest is not None:
        parts.append(
            _(
                "Latest: %(value)s (%(date)s)",
                value=_kpi_value(kv, s.latest.value, s.latest.out_of, labels, locale),
                date=format_date(s.latest.period, locale),
            )
        )
    if s.baseline is not None:
        parts.append(
            _(
                "Baseline: %(value)s (%(date)s)",
                value=_kpi_value(kv, s.baseline.value, s.baseline.out_of, labels, locale),
                date=format_date(s.baseline.period, locale),
            )
        )
    if s.target is not None:
        parts.append(
            _(
                "Target: %(target)s",
                target=labels["target_by"]
                % {
                    "value": _kpi_value(kv, s.target.value, None, labels, locale),
                    "date": format_date(s.target.target_date, locale),
                },
            )
        )
    return " · ".join(parts)


def _kpi_sources(kv: KPIView, *, internal: bool = True) -> tuple[dict[date, str], dict[date, str] | None]:
    """A source and a note per period: the baseline's, then each measurement's own (no notes unless
    `internal`)."""
    kpi = kv.kpi
    sources: dict[date, str] = {}
    notes: dict[date, str] = {}
    if kpi.baseline_date is not None and kpi.baseline_source:
        sources[kpi.baseline_date] = kpi.baseline_source
    for m in kv.measurements:
        if m.source:
            sources[m.period] = m.source
        if m.note:
            notes[m.period] = m.note
    return sources, (notes if internal else None)


def _fixed_size(figure: dict[str, Any], width: int) -> dict[str, Any]:
    """A copy of `figure` drawn at a fixed size, without the mode bar: for paper, not for the screen.

    On paper the caption above the chart names the KPI, so the chart drops its own title (a long name was
    cut at the chart's edge) and the period axis's title (the legend below the axis covered it).
    Only the layout and the config change, so only they are copied; the copy shares the traces.
    """
    layout = {**figure["layout"], "width": width}
    layout.pop("title", None)
    if "xaxis" in layout:
        layout["xaxis"] = {key: value for key, value in layout["xaxis"].items() if key != "title"}
    if "margin" in layout:
        layout["margin"] = {**layout["margin"], "t": 24}
    return {
        **figure,
        "layout": layout,
        "config": {**figure.get("config", {}), "responsive": False, "displayModeBar": False},
    }


def kpi_columns(*, compact: bool = False) -> list[tuple[str, str]]:
    """The data table's columns beside a KPI chart; translated once per request and locale (a report
    draws a hundred KPI charts)."""
    key = f"chart_kpi_columns_{chart_locale()}_{compact}"
    if has_request_context() and key in g:
        return list(g.get(key))
    columns = _kpi_columns(compact)
    if has_request_context():
        setattr(g, key, columns)
    return list(columns)


def _kpi_columns(compact: bool) -> list[tuple[str, str]]:
    if compact:
        return [("period_label", _("Period")), ("value", _("Value")), ("target", _("Target"))]
    return [
        ("period_label", _("Period")),
        ("kind_label", _("Type")),
        ("value", _("Value")),
        ("target", _("Target in force")),
        ("expected", _("Expected value")),
        ("source", _("Source")),
        ("note", _("Note")),
    ]


def kpi_chart(
    kv: KPIView,
    today: date,
    *,
    labels: Mapping[str, str] | None = None,
    locale: str | None = None,
    compact: bool = False,
    id_prefix: str = "chart-kpi",
    internal: bool = True,
) -> Chart:
    """The KPI over time with its baseline, targets, trend and today, and its numbers as a table.

    `internal=False` is for the public page: the measurements' notes are left out of the hover texts and the
    table, and the chart has no mode bar. The printed reports draw theirs with `frozen_kpi_chart`.
    """
    labels = labels if labels is not None else chart_labels()
    locale = locale or chart_locale()
    kpi = kv.kpi
    sources, notes = _kpi_sources(kv, internal=internal)
    drawn = _KPIDrawing(overview_data(kv) if compact else kv.data, kpi.unit, kpi.source, sources, notes)
    figure, rows, _omitted, _fmt = drawn.draw(kpi.name, today, labels, locale, compact=compact)
    if not internal:  # the public page: no mode bar (its "share" button would send the data off the site)
        figure["config"] = {**figure.get("config", {}), "displayModeBar": False}
    return Chart(
        f"{id_prefix}-{kpi.id}",
        figure,
        kpi_caption(kv, labels, locale),
        rows,
        kpi_columns(compact=compact),
        kpi=kpi,
        has_values=bool(kv.data.measurements) or kv.data.baseline_value is not None,
    )


@dataclass(frozen=True)
class _KPIDrawing:
    """What a KPI's figure and its table are drawn from, on a page (a read model) or in a report (its
    document): the figure and the table share one formatter."""

    data: progress.KPIInput
    unit: str
    source: str
    sources: Mapping[date, str]
    notes: Mapping[date, str] | None

    def draw(
        self,
        name: str,
        today: date,
        labels: Mapping[str, str],
        locale: str,
        *,
        compact: bool = False,
        width: int | None = None,
        keep: int | None = None,
    ) -> tuple[dict[str, Any], list[dict[str, Any]], int, figures.KPIFormatter]:
        """The figure (for paper at `width`: fixed and still), the table's rows (the baseline and the `keep`
        latest measurements), how many measurements the table left out, and the formatter."""
        fmt = figures.kpi_formatter(self.data, labels, locale, unit=self.unit)
        figure = figures.kpi_figure(
            self.data,
            name=name,
            unit=self.unit,
            source=self.source,
            today=today,
            labels=labels,
            locale=locale,
            sources=self.sources,
            notes=self.notes,
            compact=compact,
            formatter=fmt,
            still=width is not None,
        )
        if width is not None:
            figure = _fixed_size(figure, width)
        shown, omitted = _latest(self.data, keep)
        rows = figures.kpi_table(
            shown,
            labels,
            locale,
            unit=self.unit,
            source=self.source,
            sources=self.sources,
            notes=self.notes,
            formatter=fmt,
        )
        return figure, rows, omitted, fmt


def _latest(data: progress.KPIInput, keep: int | None) -> tuple[progress.KPIInput, int]:
    """`data` with only its `keep` latest measurements (all with None), and how many were left out."""
    if keep is None or len(data.measurements) <= keep:
        return data, 0
    ordered = sorted(data.measurements, key=lambda p: p.period)
    return replace(data, measurements=ordered[-keep:]), len(ordered) - keep


#: An overview chart (a dashboard tile) of a KPI measured more often than yearly shows one point a year
#: once it has more measurements than this; the goal page shows every one.
OVERVIEW_POINTS = 24


def overview_data(kv: KPIView) -> progress.KPIInput:
    """The KPI's data for an overview chart: each year's last measurement when there are many (the trend
    and the status are the goal page's, from every measurement)."""
    if len(kv.data.measurements) <= OVERVIEW_POINTS or kv.kpi.frequency == "yearly":
        return kv.data
    return replace(kv.data, measurements=figures.yearly(kv.data.measurements))


@dataclass
class Sparkline:
    """A KPI's measurements as a line without axes (figures/sparkline.py), with a sentence that says it."""

    points: str
    label: str
    width: int = figures.SPARK_WIDTH
    height: int = figures.SPARK_HEIGHT


def kpi_sparkline(kv: KPIView, labels: Mapping[str, str], locale: str) -> Sparkline | None:
    """The KPI's yearly values as a sparkline, for a summary page; None without two measurements."""
    points = figures.yearly(kv.data.measurements)
    if len(points) < 2:
        return None
    first, last = points[0], points[-1]
    label = _(
        "%(kpi)s from %(first)s (%(first_date)s) to %(last)s (%(last_date)s)",
        kpi=kv.kpi.name,
        first=_kpi_value(kv, first.value, first.out_of, labels, locale),
        first_date=format_date(first.period, locale),
        last=_kpi_value(kv, last.value, last.out_of, labels, locale),
        last_date=format_date(last.period, locale),
    )
    values = [p.value for p in points]
    return Sparkline(figures.sparkline_points(values, invert=kv.kpi.kind == progress.RANK), label)


def kpi_sparklines(sv: StrategyView, labels: Mapping[str, str], locale: str) -> dict[int, Sparkline | None]:
    """Every KPI's sparkline by KPI id: the public strategy page's summary (and its preview)."""
    return {kv.kpi.id: kpi_sparkline(kv, labels, locale) for gv in sv.goals for kv in gv.kpis}


# -- goal ----------------------------------------------------------------------------------------------------


def goal_overview_chart(
    gv: GoalView, *, labels: Mapping[str, str] | None = None, locale: str | None = None
) -> Chart:
    """Each KPI's progress towards its target, and the goal's action plans by status."""
    labels = labels if labels is not None else chart_labels()
    locale = locale or chart_locale()
    kpis = [
        (kv.kpi.name, kv.summary.progress, labels.get(f"status_{kv.summary.status}", kv.summary.status))
        for kv in gv.kpis
    ]
    # Only the statuses the goal has plans in (a zero-length bar would show nothing), in chart and table.
    counts = {plan_status_label(status): count for status, count in gv.status_counts.items() if count}
    figure = figures.goal_overview_figure(kpis, counts, labels, locale=locale)
    rows: list[dict[str, str]] = []
    for kv in gv.kpis:
        s = kv.summary
        status = kpi_status_label(s.status)
        value = status if s.progress is None else f"{format_percent(s.progress, 0, locale)} – {status}"
        rows.append({"what": _("KPI: %(name)s", name=kv.kpi.name), "value": value})
    for label, count in counts.items():
        rows.append(
            {
                "what": _("Action plans: %(status)s", status=label),
                "value": format_number(count, 0, locale),
            }
        )
    title = _(
        "%(goal)s at a glance: progress of each KPI towards its target and action plans by status",
        goal=gv.goal.title,
    )
    return Chart(
        f"chart-goal-{gv.goal.id}", figure, title, rows, [("what", _("What")), ("value", _("Value"))]
    )


@dataclass
class GoalSection:
    """A goal (its read model) and its KPIs' charts: a section of the council report and the public page."""

    view: GoalView
    charts: list[Chart]

    @property
    def goal(self):
        return self.view.goal


def goal_sections(
    goals: Sequence[GoalView],
    today: date,
    labels: Mapping[str, str],
    locale: str,
    *,
    internal: bool = True,
) -> list[GoalSection]:
    """Each goal with its KPIs' charts (no database access: the overview has loaded everything)."""
    return [
        GoalSection(
            goal, [kpi_chart(k, today, labels=labels, locale=locale, internal=internal) for k in goal.kpis]
        )
        for goal in goals
    ]


@dataclass
class GoalCharts:
    overview: Chart
    kpis: list[Chart]


def goal_charts(gv: GoalView) -> GoalCharts:
    """Everything the goal page draws: the goal at a glance and one chart per KPI."""
    labels, locale = chart_labels(), chart_locale()
    return GoalCharts(
        overview=goal_overview_chart(gv, labels=labels, locale=locale),
        kpis=[kpi_chart(kv, gv.today, labels=labels, locale=locale) for kv in gv.kpis],
    )


# -- strategy ------------------------------------------------------------------------------------------------


def timeline_chart(sv: StrategyView, today: date) -> Chart:
    """The strategy's action plans as a Gantt chart, goal by goal, each by start date."""
    labels, locale = chart_labels(), chart_locale()
    plans: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for gv in sv.goals:
        ordered = sorted(
            gv.action_plans,
            key=lambda p: (p.start_date or p.due_date or date.max, p.due_date or date.max, p.id),
        )
        for plan in ordered:
            overdue = progress.is_overdue(plan.status, plan.due_date, today)
            status_label = plan_status_label(plan.status)
            plans.append(
                {
                    "title": plan.title,
                    "start": plan.start_date,
                    "due": plan.due_date,
                    "status": plan.status,
                    "status_label": status_label,
                    "overdue": overdue,
                }
            )
            rows.append(
                {
                    "plan": plan,
                    "title": plan.title,
                    "goal": gv.goal.title,
                    "status": plan.status,
                    "status_label": status_label,
                    "start": day(plan.start_date),
                    "due": day(plan.due_date),
                    "is_overdue": overdue,
                    "overdue": _("Yes – overdue") if overdue else _("No"),
                    "progress": format_percent(plan.progress, 0, locale),
                }
            )
    figure = figures.timeline_figure(plans, today, labels, locale=locale)
    title = _(
        "Action plans of %(strategy)s from start to due date, by status; the dashed line is today",
        strategy=sv.strategy.title,
    )
    columns = [
        ("title", _("Action plan")),
        ("goal", _("Goal")),
        ("status_label", _("Status")),
        ("start", _("Start")),
        ("due", _("Due date")),
        ("overdue", _("Overdue")),
        ("progress", _("Progress")),
    ]
    return Chart(f"chart-timeline-{sv.strategy.id}", figure, title, rows, columns)


# -- peers ---------------------------------------------------------------------------------------------------


def peer_chart(
    kpi_id: int,
    series: Mapping[str, Sequence[tuple[int, int, int | None]]],
    own: str,
    names: Sequence[str],
    category: str,
) -> Chart:
    """Ranks by year: the organisation's municipality (`own`, highlighted) beside `names`."""
    labels, locale = chart_labels(), chart_locale()
    figure = figures.peer_figure(series, own, labels, locale=locale)
    shown = [own] + [n for n in names if n != own]
    keys = {name: f"m{i}" for i, name in enumerate(shown)}
    years = sorted({year for points in series.values() for year, _rank, _n in points})
    by_year: dict[int, dict[str, str]] = {year: {"year": str(year)} for year in years}
    for name, points in series.items():
        for year, rank, n in points:
            rank_text = format_number(rank, 0, locale)
            by_year[year][keys[name]] = (
                labels["rank_of"] % {"rank": rank_text, "n": format_number(n, 0, locale)}
                if n is not None
                else labels["rank_only"] % {"rank": rank_text}
            )
    rows = [{**{k: "–" for k in keys.values()}, **by_year[year]} for year in years]
    columns = [("year", _("Year"))] + [(keys[name], name) for name in shown]
    title = _(
        "Rank by year in the category %(category)s: %(own)s beside the municipalities chosen (1 is best)",
        category=category,
        own=own,
    )
    return Chart(f"chart-peers-{kpi_id}", figure, title, rows, columns)


# -- frozen reports ------------------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _frozen_input(kpi: Mapping[str, Any]) -> progress.KPIInput:
    """A frozen report's KPI (plain JSON values) as the input the figures are drawn from."""
    baseline = kpi.get("baseline") or {}
    return progress.KPIInput(
        direction=kpi["direction"],
        frequency=kpi["frequency"],
        baseline_value=baseline.get("value"),
        baseline_date=_day(baseline.get("period")),
        baseline_out_of=baseline.get("out_of"),
        kind=kpi["kind"],
        targets=[
            progress.Target(t["value"], date.fromisoformat(t["target_date"]), date.fromisoformat(t["set_on"]))
            for t in kpi["targets"]
        ],
        measurements=[
            progress.Point(date.fromisoformat(m["period"]), m["value"], m["out_of"])
            for m in kpi["measurements"]
        ],
    )


def frozen_kpi_chart(
    kpi: Mapping[str, Any],
    today: date,
    labels: Mapping[str, str],
    locale: str,
    *,
    width: int | None = None,
    keep: int | None = None,
) -> Chart:
    """A KPI chart of a report, drawn from the values its document keeps (a frozen report's never from
    today's data). `width` draws it for paper: at that fixed width, still (no hover texts, see
    figures.kpi_figure); `keep`: the table shows the baseline and only that many latest measurements (the
    full series is in the Excel file), and `omitted` says how many it left out."""
    data = _frozen_input(kpi)
    sources = {date.fromisoformat(m["period"]): m["source"] for m in kpi["measurements"] if m.get("source")}
    drawn = _KPIDrawing(data, kpi["unit"], kpi["source"], sources, None)
    figure, rows, omitted, fmt = drawn.draw(kpi["name"], today, labels, locale, width=width, keep=keep)
    return Chart(
        f"chart-kpi-{kpi['id']}",
        figure,
        kpi["name"],
        rows,
        kpi_columns(),
        kpi=kpi,
        has_values=bool(data.measurements) or data.baseline_value is not None,
        omitted=omitted,
        years=yearly_rows(data, fmt, locale),
    )


def frozen_sections(
    document: Mapping[str, Any], labels: Mapping[str, str], locale: str, *, width: int | None = None
) -> list[dict[str, Any]]:
    """Each goal of a report with its KPI charts, drawn from the report's document alone: per goal the goal,
    its charts (`ReportChart`, drawn when asked for) and `plans_key`, naming its action plans' content."""
    today = date.fromisoformat(document["today"])
    return [
        {
            "goal": goal,
            "charts": [ReportChart(k, today, labels, locale, width) for k in goal["kpis"]],
            "plans_key": content_key(goal["plans"]),
        }
        for goal in document["goals"]
    ]


def content_key(*parts: Any) -> str:
    """A short name for plain values: different values, different names. The report keeps the HTML of each
    KPI and each goal's action plans under it (templates/workspace/_report_body.html), so a change of the
    data draws again only what it changed. Pickled rather than written as sorted JSON: a fifth of the cost
    (the report names 50 KPIs of 100 values each on every first view); a document built the same way
    pickles the same way, and equal values that pickle differently only draw a part once more."""
    data = pickle.dumps((code_release(), parts), protocol=5)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class ReportChart:
    """A KPI of a report's document and its chart (`frozen_kpi_chart`), which is drawn only when `chart` is
    asked for: the page asks only when it has not kept the KPI's HTML under `key`."""

    def __init__(
        self, kpi: Mapping[str, Any], today: date, labels: Mapping[str, str], locale: str, width: int | None
    ) -> None:
        self.kpi, self.today, self.labels, self.locale, self.width = kpi, today, labels, locale, width

    @cached_property
    def key(self) -> str:
        return content_key(self.kpi, self.today, self.locale, self.width, REPORT_ROWS)

    @property
    def has_years(self) -> bool:
        """Whether the yearly summary has a row (a year with a measurement)."""
        return bool(self.kpi["measurements"])

    @cached_property
    def chart(self) -> Chart:
        return frozen_kpi_chart(
            self.kpi, self.today, self.labels, self.locale, width=self.width, keep=REPORT_ROWS
        )


#: A printed report's table beside a chart shows the baseline and this many latest measurements.
REPORT_ROWS = 8
