"""Pure chart builders: domain data in, plotly figure dicts out.

No Flask, no Flask-Babel, no database: callers pass the KPI as a `progress.KPIInput`, plain fields (name,
unit, source, `today`) and a `labels` mapping of already translated strings (see `LABELS_EN` for the keys;
missing keys fall back to the English text). The figures are plain dicts built directly, never through
plotly.graph_objects, so a goal page does not spend its time validating figures; dates are ISO strings so
`json.dumps` works as is.

Every figure has `data`, `layout` and `config`; `static/js/charts.js` draws them with `Plotly.newPlot`.
Colours come from the Okabe–Ito colour-blind-safe palette, and no information is carried by colour alone:
statuses are written in titles and on bars, traces differ in dash style and marker symbol as well as colour.
`kpi_table` gives the rows of the data table a page shows beside the KPI chart. Numbers and dates are
written by strategitracker/chart_format.py (`format_number` and friends are importable from here too).
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from . import progress
from .chart_format import (
    KPIFormatter,
    _esc,
    _lang,
    format_date,
    format_number,
    format_percent,
)
from .progress import KPIInput, KPIStatus, Point, Target

#: The keys `labels` may hold, with their English text. Values with %(name)s placeholders are templates, so a
#: translation can put the parts in its own order (Danish: "nr. %(rank)s af %(n)s").
LABELS_EN: dict[str, str] = {
    "measurement": "Measurement",
    "baseline": "Baseline",
    "target": "Target",
    "superseded_target": "Superseded target",
    "expected": "Expected path",
    "trend": "Trend",
    "today": "Today",
    "period": "Period",
    "year": "Year",
    "rank": "Rank",
    "rank_of": "no. %(rank)s of %(n)s",
    "rank_only": "no. %(rank)s",
    "source": "Source: %(source)s",
    "note": "Note: %(note)s",
    "target_by": "%(value)s by %(date)s",
    "set_on": "set on %(date)s",
    "no_data": "No data",
    "progress": "Progress towards target",
    "action_plans": "Action plans by status",
    "plans": "Action plans",
    "start_due": "%(start)s – %(due)s",
    "overdue": "overdue",
    "status_on_track": "on track",
    "status_at_risk": "at risk",
    "status_off_track": "off track",
    "status_no_data": "no data",
    "status_stale": "not updated",
    "status_no_target": "no target",
    "plan_status_not_started": "Not started",
    "plan_status_in_progress": "In progress",
    "plan_status_delayed": "Delayed",
    "plan_status_done": "Done",
    "plan_status_cancelled": "Cancelled",
}

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#767676"  # 4.5:1 on white
LIGHT_GREY = "#BBBBBB"
TEXT = "#212529"
GRID = "#E5E5E5"

STATUS_COLOURS: dict[str, str] = {
    KPIStatus.ON_TRACK: GREEN,
    KPIStatus.AT_RISK: ORANGE,
    KPIStatus.OFF_TRACK: VERMILLION,
    KPIStatus.NO_DATA: LIGHT_GREY,
    KPIStatus.STALE: LIGHT_GREY,
    KPIStatus.NO_TARGET: LIGHT_GREY,
}

#: Action-plan statuses in the order they are listed.
PLAN_STATUSES: tuple[str, ...] = ("not_started", "in_progress", "delayed", "done", "cancelled")
PLAN_STATUS_COLOURS: dict[str, str] = {
    "not_started": LIGHT_GREY,
    "in_progress": BLUE,
    "delayed": ORANGE,
    "done": GREEN,
    "cancelled": GREY,
}
#: Line colours and marker symbols for the municipalities that are not highlighted in the peer chart.
PEER_COLOURS = (VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK, GREY)
PEER_SYMBOLS = ("square", "diamond", "triangle-up", "triangle-down", "cross", "x", "star", "pentagon")

FONT = {
    "family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    "size": 14,
    "color": TEXT,
}
#: No mode bar: a chart is drawn in an element with role="img" (templates/charts/_chart.html), which must
#: not contain focusable controls (axe: nested-interactive), and its buttons would offer a "share" to an
#: outside service. Hover texts stay; the numbers are in the table beside every chart, and pages print.
CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "displayModeBar": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
HOVER = "%{hovertext}<extra></extra>"
#: Figure heights in px. Every figure sets its height: with `responsive` plotly would otherwise take the
#: height of its container, which has none.
KPI_HEIGHT = 460
PEER_HEIGHT = 480
COMPACT_HEIGHT = 260  # a KPI figure on a dashboard tile
COMPACT_TITLE_CHARS = 44  # a longer KPI name is shortened in a compact figure's title (one line on a tile)
NO_DATA_HEIGHT = 160  # an empty figure that only says "No data"
TIMELINE_TEXT_ROOM = 0.25  # the timeline's x axis runs this share of its span past the last date
OVERVIEW_BAR_PX = 44  # the goal overview: px per bar, at least OVERVIEW_MIN_PX per subplot, and the gap
OVERVIEW_MIN_PX = 64
OVERVIEW_GAP_PX = 76
MS_PER_DAY = 86_400_000

# ----------------------------------------------------------------------------------------------------
# Formatting: format_number, format_percent and format_date live in chart_format.py (imported here, where
# callers have always found them).


def figure_json(figure: Mapping[str, Any]) -> str:
    """Compact JSON safe to put inside a <script type="application/json"> block (no "</script>" breakout)."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (#RRGGBB), by WCAG relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return BLACK if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def _unique(names: Sequence[str]) -> list[str]:
    """Category names made unique ("Plan", "Plan (2)") so bars with equal names do not overlap."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {**LABELS_EN, **labels}


def _base_layout(locale: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": dict(FONT),
        "hoverlabel": {"font": {"size": 14}},
        "separators": ",." if _lang(locale) == "da" else ".,",
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 60, "r": 24, "t": 64, "b": 48},
    }
    layout.update(extra)
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def _today_marks(today: date, lab: Mapping[str, str], locale: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A vertical dashed line at `today` over the whole plot height, with its annotation."""
    x = today.isoformat()
    shape = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": TEXT, "width": 1.5, "dash": "dash"},
    }
    annotation = {
        "x": x,
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "showarrow": False,
        "text": f"{_esc(lab['today'])} ({format_date(today, locale)})",
        "font": {"size": 13, "color": TEXT},
    }
    return shape, annotation


def _no_data(figure: dict[str, Any], lab: Mapping[str, str]) -> dict[str, Any]:
    figure["layout"].setdefault("annotations", []).append(
        {
            "text": _esc(lab["no_data"]),
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
            "font": {"size": 16, "color": TEXT},
        }
    )
    figure["layout"]["xaxis"] = {"visible": False}
    figure["layout"]["yaxis"] = {"visible": False}
    figure["layout"].setdefault("height", NO_DATA_HEIGHT)
    return figure


# ----------------------------------------------------------------------------------------------------
# KPI chart


def _hover(heading: str, *lines: str) -> str:
    return "<br>".join([f"<b>{heading}</b>", *(line for line in lines if line)])


def _point_hover(
    fmt: KPIFormatter, point: Point, source: str, sources: Mapping[date, str], notes: Mapping[date, str]
) -> str:
    """A measurement's hover text: `_hover(date, value, *_source_lines(...))` in one step (there is one per
    point, thousands on a report)."""
    parts = [f"<b>{fmt.date(point.period)}</b>"]
    value = fmt.value(point.value, point.out_of)
    if value:
        parts.append(value)
    point_source = sources.get(point.period) or source
    if point_source:
        parts.append(fmt.source_line(point_source))
    note = notes.get(point.period)
    if note:
        parts.append(_esc(fmt.lab["note"] % {"note": note}))
    return "<br>".join(parts)


def _source_lines(
    fmt: KPIFormatter,
    period: date,
    source: str,
    sources: Mapping[date, str] | None,
    notes: Mapping[date, str] | None,
) -> list[str]:
    lines = []
    point_source = (sources or {}).get(period) or source
    if point_source:
        lines.append(fmt.source_line(point_source))
    note = (notes or {}).get(period)
    if note:
        lines.append(_esc(fmt.lab["note"] % {"note": note}))
    return lines


def _rank_axis(kpi: KPIInput, lab: Mapping[str, str]) -> dict[str, Any]:
    """Rank 1 at the top; the range follows N, the most ranked in any measurement or the baseline."""
    ns = [p.out_of for p in kpi.measurements if p.out_of is not None]
    if kpi.baseline_out_of is not None:
        ns.append(kpi.baseline_out_of)
    values = [p.value for p in kpi.measurements] + [t.value for t in kpi.targets]
    if kpi.baseline_value is not None:
        values.append(kpi.baseline_value)
    axis: dict[str, Any] = {"title": {"text": _esc(lab["rank"])}, "zeroline": False, "gridcolor": GRID}
    if not ns:
        axis["autorange"] = "reversed"
        return axis
    axis.update(_rank_range(max(max(ns), int(max(values, default=1)))))
    return axis


def _rank_range(n: int) -> dict[str, Any]:
    """Rank 1 at the top and N at the bottom, with a step of air at both ends; ticks 1, 10, 20, …, N."""
    ticks = [1] + [t for t in range(10, n, 10) if n - t >= 5] + [n]
    return {"range": [n + 1, 0], "autorange": False, "tickvals": ticks}


def _trend_until(kpi: KPIInput, today: date) -> date:
    """The last current target's date; today + 1 year without a target or once that date is history."""
    current = progress.current_targets(kpi.targets)
    last = progress.latest(kpi.measurements)
    if current and (last is None or current[-1].target_date > last.period):
        return current[-1].target_date
    return progress.add_months(max(today, last.period) if last else today, 12)


def kpi_formatter(
    kpi: KPIInput, labels: Mapping[str, str], locale: str = "da", *, unit: str = ""
) -> KPIFormatter:
    """The formatter `kpi_figure` and `kpi_table` write a KPI's values with, to share between them."""
    return KPIFormatter(kpi, unit, _labels(labels), locale)


def kpi_figure(
    kpi: KPIInput,
    *,
    name: str,
    unit: str = "",
    source: str = "",
    today: date,
    labels: Mapping[str, str],
    locale: str = "da",
    sources: Mapping[date, str] | None = None,
    notes: Mapping[date, str] | None = None,
    compact: bool = False,
    formatter: KPIFormatter | None = None,
) -> dict[str, Any]:
    """One KPI over time, with today's status in the title ("Nøgletal – på rette spor").

    Traces, in legend order: expected path (dotted, baseline → current targets), target (current targets
    as a step line with diamond markers), superseded target (hollow grey diamonds), baseline (square
    marker and a thin horizontal reference), measurement (line + markers) and trend (dashed least-squares
    projection to the last target date, or today + 1 year). A dashed vertical line marks today. `source`
    is the KPI's source; `sources` and `notes` give a measurement's own source and note by period (both
    shown on hover and in `kpi_table`). Rank KPIs get a reversed y axis 1..N and "nr. k af N" on every
    point.

    `compact=True` draws the same figure small, for dashboards: 260 px high, no legend, no axis titles,
    narrow margins and a smaller title with a long KPI name shortened ("…") (hover texts stay; the
    page's caption and table carry the full name and the numbers).

    `formatter`: from `kpi_formatter` for the same KPI, labels, unit and locale, to share with `kpi_table`
    (the table writes the same values again).
    """
    lab = _labels(labels)
    fmt = formatter or KPIFormatter(kpi, unit, lab, locale)
    summary = progress.kpi_summary(kpi, today)
    status = summary.status
    data: list[dict[str, Any]] = []
    measurements = sorted(kpi.measurements, key=lambda p: p.period)
    current = progress.current_targets(kpi.targets)
    current_ids = {id(t) for t in current}
    superseded = [t for t in kpi.targets if id(t) not in current_ids]
    baseline = summary.baseline

    # Expected path: the straight lines progress.expected_value follows.
    if baseline is not None:
        knots = [baseline] + [
            Point(t.target_date, t.value) for t in current if t.target_date > baseline.period
        ]
        if len(knots) > 1:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": _esc(lab["expected"]),
                    "x": [p.period.isoformat() for p in knots],
                    "y": [p.value for p in knots],
                    "line": {"color": GREEN, "width": 2, "dash": "dot"},
                    "hovertext": [
                        _hover(_esc(lab["expected"]), fmt.date(p.period), fmt.value(p.value)) for p in knots
                    ],
                    "hovertemplate": HOVER,
                }
            )

    # Current targets: in force until their date (next_target), so the step runs at a target's level up to it.
    if current:
        xs = [t.target_date.isoformat() for t in current]
        ys = [t.value for t in current]
        texts = [
            _hover(
                _esc(lab["target"]),
                _esc(fmt.target(t)),
                _esc(lab["set_on"] % {"date": fmt.date(t.set_on)}),
            )
            for t in current
        ]
        sizes = [11] * len(current)
        start = (
            baseline.period if baseline is not None else (measurements[0].period if measurements else None)
        )
        if start is not None and start < current[0].target_date:
            xs.insert(0, start.isoformat())
            ys.insert(0, current[0].value)
            texts.insert(0, texts[0])
            sizes.insert(0, 0)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _esc(lab["target"]),
                "x": xs,
                "y": ys,
                "line": {"color": BLACK, "width": 1.5, "shape": "vh"},
                "marker": {"symbol": "diamond", "size": sizes, "color": BLACK},
                "hovertext": texts,
                "hovertemplate": HOVER,
            }
        )
    if superseded:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _esc(lab["superseded_target"]),
                "x": [t.target_date.isoformat() for t in superseded],
                "y": [t.value for t in superseded],
                "marker": {"symbol": "diamond-open", "size": 11, "color": GREY, "line": {"width": 2}},
                "hovertext": [
                    _hover(
                        _esc(lab["superseded_target"]),
                        _esc(fmt.target(t)),
                        _esc(lab["set_on"] % {"date": fmt.date(t.set_on)}),
                    )
                    for t in superseded
                ],
                "hovertemplate": HOVER,
            }
        )

    x_end = max(
        [today, *(t.target_date for t in kpi.targets), *(p.period for p in measurements)]
        + ([baseline.period] if baseline else [])
    )
    if baseline is not None:
        text = _hover(
            _esc(lab["baseline"]),
            fmt.date(baseline.period),
            fmt.value(baseline.value, baseline.out_of),
            *_source_lines(fmt, baseline.period, source, sources, notes),
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _esc(lab["baseline"]),
                "x": [baseline.period.isoformat(), x_end.isoformat()],
                "y": [baseline.value, baseline.value],
                "line": {"color": GREY, "width": 1},
                "marker": {"symbol": "square", "size": [11, 0], "color": GREY},
                "hovertext": [text, text],
                "hovertemplate": HOVER,
            }
        )

    if measurements:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _esc(lab["measurement"]),
                "x": [p.period.isoformat() for p in measurements],
                "y": [p.value for p in measurements],
                "line": {"color": BLUE, "width": 3},
                "marker": {"symbol": "circle", "size": 9, "color": BLUE},
                "hovertext": [_point_hover(fmt, p, source, sources or {}, notes or {}) for p in measurements],
                "hovertemplate": HOVER,
            }
        )

    line = progress.trend(kpi.measurements, _trend_until(kpi, today), kind=kpi.kind)
    if line is not None:
        ends = (line.start, line.end)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _esc(lab["trend"]),
                "x": [p.period.isoformat() for p in ends],
                "y": [p.value for p in ends],
                "line": {"color": VERMILLION, "width": 2, "dash": "dash"},
                "hovertext": [
                    _hover(_esc(lab["trend"]), fmt.date(p.period), fmt.value(p.value, p.out_of)) for p in ends
                ],
                "hovertemplate": HOVER,
            }
        )

    if fmt.rank:
        yaxis = _rank_axis(kpi, lab)
    else:
        yaxis = {"title": {"text": _esc(unit)}, "gridcolor": GRID, "zeroline": False, "automargin": True}
        if fmt.unit == "%":
            yaxis["ticksuffix"] = " %" if _lang(locale) == "da" else "%"
    shape, annotation = _today_marks(today, lab, locale)
    status_label = lab.get(f"status_{status.value}", status.value)
    title_name = _shorten(name, COMPACT_TITLE_CHARS) if compact else name
    layout = _base_layout(
        locale,
        title={
            "text": f"{_esc(title_name)} – {_esc(status_label)}",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 18},
        },
        xaxis={"type": "date", "title": {"text": _esc(lab["period"])}, "gridcolor": GRID},
        yaxis=yaxis,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"l": 64, "r": 24, "t": 72, "b": 96},
        height=KPI_HEIGHT,
        hovermode="closest",
        shapes=[shape],
        annotations=[annotation],
        meta={"kind": kpi.kind, "status": status.value, "status_label": status_label},
    )
    figure = _figure(data, layout)
    if compact:
        _compact(figure)
    return figure


def _shorten(text: str, chars: int) -> str:
    """`text` cut at a word to at most `chars` characters, with "…" when cut."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return f"{cut}…"


def _compact(figure: dict[str, Any]) -> None:
    """Shrink a KPI figure for a dashboard tile (see `kpi_figure`)."""
    layout = figure["layout"]
    layout["height"] = COMPACT_HEIGHT
    layout["showlegend"] = False
    layout["margin"] = {"l": 44, "r": 12, "t": 48, "b": 32}
    layout["title"]["font"] = {"size": 15}
    layout["font"] = {**layout["font"], "size": 12}
    for axis in ("xaxis", "yaxis"):
        layout[axis].pop("title", None)
    for annotation in layout.get("annotations", []):
        annotation["font"] = {**annotation.get("font", {}), "size": 11}


def kpi_table(
    kpi: KPIInput,
    labels: Mapping[str, str],
    locale: str = "da",
    *,
    unit: str = "",
    source: str = "",
    sources: Mapping[date, str] | None = None,
    notes: Mapping[date, str] | None = None,
    formatter: KPIFormatter | None = None,
) -> list[dict[str, Any]]:
    """The rows of the data table beside a KPI chart: the baseline first, then the measurements by period.

    Each row: period (ISO), period_label, kind ("baseline"/"measurement"), kind_label, value (formatted,
    "nr. 6 af 93" for ranks), number (the formatted number alone), raw (the float), n (formatted N or ""),
    target (the current target in force on that period, "10 by 1 Sep 2019", or ""), expected (formatted
    expected value or ""), note and source (plain text; the template escapes it). `formatter`: as for
    `kpi_figure`.
    """
    lab = _labels(labels)
    fmt = formatter or KPIFormatter(kpi, unit, lab, locale)
    rows: list[tuple[str, Point]] = []
    if kpi.baseline_value is not None and kpi.baseline_date is not None:
        rows.append(("baseline", Point(kpi.baseline_date, kpi.baseline_value, kpi.baseline_out_of)))
    rows += [("measurement", p) for p in sorted(kpi.measurements, key=lambda p: p.period)]
    periods = [point.period for _kind, point in rows]
    targets = _next_targets(progress.current_targets(kpi.targets), periods)
    expected_values = _expected_values(kpi, periods)
    notes = notes or {}
    sources = sources or {}
    kind_labels = {kind: lab[kind] for kind in ("baseline", "measurement")}
    out = []
    for (kind, point), target, expected in zip(rows, targets, expected_values, strict=True):
        out.append(
            {
                "period": point.period.isoformat(),
                "period_label": fmt.date(point.period),
                "kind": kind,
                "kind_label": kind_labels[kind],
                "value": fmt.value(point.value, point.out_of),
                "number": fmt.number(point.value),
                "raw": point.value,
                "n": fmt.integer(point.out_of) if point.out_of is not None else "",
                "target": fmt.target(target) if target is not None else "",
                "expected": fmt.value(expected) if expected is not None else "",
                "note": notes.get(point.period, ""),
                "source": sources.get(point.period) or source,
            }
        )
    return out


def _next_targets(current: Sequence[Target], days: Sequence[date]) -> list[Target | None]:
    """`progress.next_target(current, day)` for each of `days`; `current` as `progress.current_targets`
    gives them (one per date, by date), so each is a binary search."""
    if not current:
        return [None] * len(days)
    dates = [t.target_date for t in current]
    last = len(current) - 1
    return [current[min(bisect_left(dates, day), last)] for day in days]


def _expected_values(kpi: KPIInput, days: Sequence[date]) -> list[float | None]:
    """`progress.expected_value(kpi, day)` for each of `days`, with the knots of the line worked out once.

    The same straight lines and the same arithmetic, so the same floats (tests/test_charts.py compares).
    """
    if kpi.baseline_value is None or kpi.baseline_date is None:
        return [None] * len(days)
    targets = [t for t in progress.current_targets(kpi.targets) if t.target_date > kpi.baseline_date]
    if not targets:
        return [None] * len(days)
    knots = [(kpi.baseline_date, float(kpi.baseline_value))] + [(t.target_date, t.value) for t in targets]
    dates = [d for d, _v in knots]
    out: list[float | None] = []
    for day in days:
        i = bisect_left(dates, day)  # the first knot on or after `day`
        if i == 0:
            out.append(knots[0][1])
        elif i == len(knots):
            out.append(knots[-1][1])
        else:
            (d0, v0), (d1, v1) = knots[i - 1], knots[i]
            out.append(v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days)
    return out


# ----------------------------------------------------------------------------------------------------
# Goal overview


def _status_by_label(lab: Mapping[str, str], prefix: str, codes: Sequence[str]) -> dict[str, str]:
    """Translated status label → status code, so bars keyed by label get their status's colour."""
    found = {lab[f"{prefix}{code}"]: code for code in codes if f"{prefix}{code}" in lab}
    found.update({code: code for code in codes})
    return found


def goal_overview_figure(
    kpis: Sequence[tuple[str, float | None, str]],
    action_plan_counts: Mapping[str, int],
    labels: Mapping[str, str],
    *,
    locale: str = "da",
) -> dict[str, Any]:
    """A goal at a glance: each KPI's progress towards its target (0–100 %) as a horizontal bar with its
    status written on the bar, and below it the number of action plans per status (keys: translated status
    labels or status codes; bars in the mapping's order). Two subplots in one figure: x/y and x2/y2.
    """
    lab = _labels(labels)
    kpi_codes = _status_by_label(lab, "status_", [s.value for s in KPIStatus])
    plan_codes = _status_by_label(lab, "plan_status_", PLAN_STATUSES)
    pct_suffix = " %" if _lang(locale) == "da" else "%"
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    n_kpis, n_plans = len(kpis), len(action_plan_counts)
    figure = _figure(
        data, _base_layout(locale, showlegend=False, margin={"l": 16, "r": 24, "t": 40, "b": 40})
    )
    if not n_kpis and not n_plans:
        return _no_data(figure, lab)

    # Sizes in px, so the gap between the two subplots always has room for the upper one's tick labels
    # and the lower one's title, however many bars there are.
    kpis_px = max(OVERVIEW_BAR_PX * n_kpis, OVERVIEW_MIN_PX) if n_kpis else 0
    plans_px = max(OVERVIEW_BAR_PX * n_plans, OVERVIEW_MIN_PX) if n_plans else 0
    gap_px = OVERVIEW_GAP_PX if n_kpis and n_plans else 0
    plot_px = kpis_px + gap_px + plans_px
    top_px = kpis_px or plans_px
    top = {"domain": [1 - top_px / plot_px, 1]}
    bottom = {"domain": [0, plans_px / plot_px]}

    if n_kpis:
        colours, texts, inside, hovers, xs = [], [], [], [], []
        for kpi_name, share_done, status_label in kpis:
            colour = STATUS_COLOURS.get(kpi_codes.get(status_label, ""), LIGHT_GREY)
            text = (
                _esc(status_label)
                if share_done is None
                else f"{format_percent(share_done, 0, locale)} – {_esc(status_label)}"
            )
            colours.append(colour)
            inside.append(_text_colour(colour))
            texts.append(text)
            hovers.append(f"<b>{_esc(kpi_name)}</b><br>{text}")
            xs.append(0 if share_done is None else min(100.0, max(0.0, float(share_done))))
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _esc(lab["progress"]),
                "x": xs,
                "y": _unique([_esc(k[0]) for k in kpis]),
                "xaxis": "x",
                "yaxis": "y",
                "text": texts,
                "textposition": "auto",
                "insidetextanchor": "start",
                "insidetextfont": {"color": inside},
                "outsidetextfont": {"color": TEXT},
                "cliponaxis": False,
                "marker": {"color": colours, "line": {"color": TEXT, "width": 1}},
                "hovertext": hovers,
                "hovertemplate": HOVER,
            }
        )
        annotations.append(_subplot_title(lab["progress"], top["domain"][1]))
    if n_plans:
        names = list(action_plan_counts)
        colours = [PLAN_STATUS_COLOURS.get(plan_codes.get(k, ""), LIGHT_GREY) for k in names]
        counts = [int(action_plan_counts[k]) for k in names]
        texts = [format_number(c, 0, locale) for c in counts]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _esc(lab["action_plans"]),
                "x": counts,
                "y": _unique([_esc(k) for k in names]),
                "xaxis": "x2" if n_kpis else "x",
                "yaxis": "y2" if n_kpis else "y",
                "text": texts,
                "textposition": "auto",
                "insidetextfont": {"color": [_text_colour(c) for c in colours]},
                "outsidetextfont": {"color": TEXT},
                "cliponaxis": False,
                "marker": {"color": colours, "line": {"color": TEXT, "width": 1}},
                "hovertext": [f"<b>{_esc(k)}</b><br>{t}" for k, t in zip(names, texts, strict=True)],
                "hovertemplate": HOVER,
            }
        )
        annotations.append(_subplot_title(lab["action_plans"], (bottom if n_kpis else top)["domain"][1]))

    layout = figure["layout"]
    progress_x = {"range": [0, 100], "ticksuffix": pct_suffix, "gridcolor": GRID, "fixedrange": True}
    count_x = {"rangemode": "tozero", "tickformat": ",d", "gridcolor": GRID, "fixedrange": True}
    if max(action_plan_counts.values(), default=0) <= 10:
        count_x["dtick"] = 1  # whole numbers only: auto ticks of 0.2 would read "0 0 0 1 1 1"
    category_y = {"type": "category", "autorange": "reversed", "automargin": True, "fixedrange": True}
    if n_kpis and n_plans:
        layout["xaxis"] = {**progress_x, "anchor": "y"}
        layout["yaxis"] = {**category_y, **top, "anchor": "x"}
        layout["xaxis2"] = {**count_x, "anchor": "y2"}
        layout["yaxis2"] = {**category_y, **bottom, "anchor": "x2"}
    else:
        layout["xaxis"] = {**(progress_x if n_kpis else count_x), "anchor": "y"}
        layout["yaxis"] = {**category_y, **top, "anchor": "x"}
    layout["annotations"] = annotations
    margin = layout["margin"]
    layout["height"] = plot_px + margin["t"] + margin["b"]
    return figure


def _subplot_title(text: str, y: float) -> dict[str, Any]:
    return {
        "text": f"<b>{_esc(text)}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 15, "color": TEXT},
    }


# ----------------------------------------------------------------------------------------------------
# Action-plan timeline


def timeline_figure(
    plans: Sequence[Mapping[str, Any]],
    today: date,
    labels: Mapping[str, str],
    *,
    locale: str = "da",
) -> dict[str, Any]:
    """A Gantt chart of action plans: one horizontal bar per plan from start through due (inclusive).

    `plans`: dicts with title, start, due (dates or None), status (code), status_label, overdue (bool).
    One trace per status (legend = the status labels), in the plans' order top to bottom. The status label
    is written on every bar; overdue plans get a thick vermillion outline, a hatch pattern and "overdue" in
    the text. A plan with only a start or a due date is drawn as a one-day bar; a plan with neither is left
    out (the data table still lists it). Today is a dashed vertical line with an annotation.
    """
    lab = _labels(labels)
    drawn = [p for p in plans if p.get("start") or p.get("due")]
    titles = _unique([_esc(p["title"]) for p in drawn])
    by_status: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for title, plan in zip(titles, drawn, strict=True):
        by_status.setdefault(plan.get("status") or "", []).append((title, plan))
    order = [s for s in PLAN_STATUSES if s in by_status] + [s for s in by_status if s not in PLAN_STATUSES]

    data: list[dict[str, Any]] = []
    for status in order:
        rows = by_status[status]
        colour = PLAN_STATUS_COLOURS.get(status, LIGHT_GREY)
        text_colour = _text_colour(colour)
        trace: dict[str, list[Any]] = {k: [] for k in ("x", "y", "base", "text", "hover", "lc", "lw", "pat")}
        for title, plan in rows:
            start: date = plan.get("start") or plan["due"]
            due: date = plan.get("due") or start
            overdue = bool(plan.get("overdue"))
            status_label = _esc(plan.get("status_label") or status)
            text = f"{status_label} – {_esc(lab['overdue'])}" if overdue else status_label
            period = lab["start_due"] % {"start": format_date(start, locale), "due": format_date(due, locale)}
            trace["x"].append(((due - start).days + 1) * MS_PER_DAY)
            trace["y"].append(title)
            trace["base"].append(start.isoformat())
            trace["text"].append(text)
            trace["hover"].append(_hover(title, _esc(period), text))
            trace["lc"].append(VERMILLION if overdue else TEXT)
            trace["lw"].append(4 if overdue else 1)
            trace["pat"].append("/" if overdue else "")
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _esc(rows[0][1].get("status_label") or status),
                "x": trace["x"],
                "y": trace["y"],
                "base": trace["base"],
                "text": trace["text"],
                "textposition": "auto",
                "insidetextanchor": "start",
                "insidetextfont": {"color": text_colour},
                "outsidetextfont": {"color": TEXT},
                "cliponaxis": False,
                "marker": {
                    "color": colour,
                    "line": {"color": trace["lc"], "width": trace["lw"]},
                    "pattern": {"shape": trace["pat"], "fgcolor": VERMILLION, "solidity": 0.15},
                },
                "hovertext": trace["hover"],
                "hovertemplate": HOVER,
                "meta": {"status": status},
            }
        )
    shape, annotation = _today_marks(today, lab, locale)
    xaxis: dict[str, Any] = {"type": "date", "gridcolor": GRID}
    if drawn:
        # Room on the right for a status written beside a short bar ("Delayed – overdue"), and today.
        first = min([today, *(p.get("start") or p["due"] for p in drawn)])
        last = max([today, *(p.get("due") or p["start"] for p in drawn)])
        span = max((last - first).days, 60)
        xaxis["range"] = [
            (first - timedelta(days=round(span * 0.03))).isoformat(),
            (last + timedelta(days=round(span * TIMELINE_TEXT_ROOM))).isoformat(),
        ]
    layout = _base_layout(
        locale,
        xaxis=xaxis,
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": titles,
            "autorange": "reversed",
            "automargin": True,
        },
        barmode="overlay",
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "title": {"text": ""}},
        shapes=[shape],
        annotations=[annotation],
        height=160 + 44 * len(titles),
        margin={"l": 16, "r": 24, "t": 48, "b": 72},
    )
    figure = _figure(data, layout)
    return figure if drawn else _no_data(figure, lab)


# ----------------------------------------------------------------------------------------------------
# Peer comparison


def peer_figure(
    series: Mapping[str, Sequence[tuple[int, float, int | None]]],
    highlight: str,
    labels: Mapping[str, str],
    *,
    locale: str = "da",
) -> dict[str, Any]:
    """Ranks by year per municipality (`(year, rank, N)` tuples), rank 1 at the top, the y range following N.

    The highlighted municipality comes first in the legend, in bold, with a thick blue line and big
    circles; the others are thin, each with its own colour and marker symbol. Missing years break a line
    instead of drawing a slope nobody measured. Every point's hover says "<name> <year>: nr. k af N".
    """
    lab = _labels(labels)
    names = sorted(series, key=lambda n: (n != highlight, n.casefold()))
    data: list[dict[str, Any]] = []
    max_n = 0
    others = 0
    for name in names:
        points = sorted(series[name])
        if not points:
            continue
        xs: list[int] = []
        ys: list[float | None] = []
        hovers: list[str] = []
        for year, rank, n in points:
            if xs and year > xs[-1] + 1:  # a gap: break the line
                xs.append(xs[-1] + 1)
                ys.append(None)
                hovers.append("")
            xs.append(year)
            ys.append(rank)
            max_n = max(max_n, n or 0, int(rank))
            rank_text = (
                lab["rank_of"] % {"rank": format_number(rank, 0, locale), "n": format_number(n, 0, locale)}
                if n is not None
                else lab["rank_only"] % {"rank": format_number(rank, 0, locale)}
            )
            hovers.append(f"<b>{_esc(name)} {year}</b><br>{_esc(rank_text)}")
        if name == highlight:
            line, marker, legend_name = (
                {"color": BLUE, "width": 5},
                {"symbol": "circle", "size": 11, "color": BLUE},
                f"<b>{_esc(name)}</b>",
            )
        else:
            colour = PEER_COLOURS[others % len(PEER_COLOURS)]
            symbol = PEER_SYMBOLS[others % len(PEER_SYMBOLS)]
            others += 1
            line, marker, legend_name = (
                {"color": colour, "width": 1.5},
                {"symbol": symbol, "size": 8, "color": colour},
                _esc(name),
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": legend_name,
                "x": xs,
                "y": ys,
                "connectgaps": False,
                "line": line,
                "marker": marker,
                "opacity": 1 if name == highlight else 0.85,
                "hovertext": hovers,
                "hovertemplate": HOVER,
                "meta": {"municipality": name, "highlight": name == highlight},
            }
        )
    yaxis: dict[str, Any] = {"title": {"text": _esc(lab["rank"])}, "zeroline": False, "gridcolor": GRID}
    if max_n:
        yaxis.update(_rank_range(max_n))
    else:
        yaxis["autorange"] = "reversed"
    layout = _base_layout(
        locale,
        xaxis={"title": {"text": _esc(lab["year"])}, "tickformat": "d", "dtick": 1, "gridcolor": GRID},
        yaxis=yaxis,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"l": 64, "r": 24, "t": 32, "b": 96},
        height=PEER_HEIGHT,
        hovermode="closest",
    )
    figure = _figure(data, layout)
    return figure if data else _no_data(figure, lab)
