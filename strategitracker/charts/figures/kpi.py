"""The KPI figure: one KPI over time, with its targets, baseline, trend and today's status.

The KPI comes as a `progress.KPIInput`, its name, unit, source and `today` as plain fields; dates are ISO
strings so `json.dumps` works as is. `kpi_formatter` gives the formatter the figure and the data table
(kpi_rows.py) share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ... import progress
from ...formatting import language
from ...progress import KPIInput, Point, Target
from .common import (
    BLACK,
    BLUE,
    COMPACT_HEIGHT,
    COMPACT_TITLE_CHARS,
    GREEN,
    GREY,
    GRID,
    HOVER,
    KPI_HEIGHT,
    VERMILLION,
    base_layout,
    date_axis,
    hover,
    make_figure,
    merged_labels,
    rank_range,
    today_marks,
)
from .kpi_format import KPIFormatter, esc


def _point_hover(
    fmt: KPIFormatter, point: Point, source: str, sources: Mapping[date, str], notes: Mapping[date, str]
) -> str:
    """A measurement's hover text: `hover(date, value, *_source_lines(...))` in one step (there is one per
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
        parts.append(esc(fmt.lab["note"] % {"note": note}))
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
        lines.append(esc(fmt.lab["note"] % {"note": note}))
    return lines


def _rank_axis(kpi: KPIInput, lab: Mapping[str, str]) -> dict[str, Any]:
    """Rank 1 at the top; the range follows N, the most ranked in any measurement or the baseline."""
    ns = [p.out_of for p in kpi.measurements if p.out_of is not None]
    if kpi.baseline_out_of is not None:
        ns.append(kpi.baseline_out_of)
    values = [p.value for p in kpi.measurements] + [t.value for t in kpi.targets]
    if kpi.baseline_value is not None:
        values.append(kpi.baseline_value)
    axis: dict[str, Any] = {"title": {"text": esc(lab["rank"])}, "zeroline": False, "gridcolor": GRID}
    if not ns:
        axis["autorange"] = "reversed"
        return axis
    axis.update(rank_range(max(max(ns), int(max(values, default=1)))))
    return axis


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
    return KPIFormatter(kpi, unit, merged_labels(labels), locale)


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
    still: bool = False,
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

    `still=True` draws a picture for paper (the printed reports): no hover texts (half a report's bytes,
    and a third of the time its charts take to build) and plotly's staticPlot; the numbers are in the table.
    """
    lab = merged_labels(labels)
    fmt = formatter or KPIFormatter(kpi, unit, lab, locale)
    summary = progress.kpi_summary(kpi, today)
    status = summary.status
    measurements = sorted(kpi.measurements, key=lambda p: p.period)
    current = progress.current_targets(kpi.targets)
    current_ids = {id(t) for t in current}
    superseded = [t for t in kpi.targets if id(t) not in current_ids]
    baseline = summary.baseline
    x_end = max(
        [today, *(t.target_date for t in kpi.targets), *(p.period for p in measurements)]
        + ([baseline.period] if baseline else [])
    )
    notes_of = _Notes(source, sources or {}, notes or {})
    traces = [
        _expected_trace(baseline, current, fmt, lab),
        _target_trace(current, baseline, measurements, fmt, lab),
        _superseded_trace(superseded, fmt, lab),
        _baseline_trace(baseline, x_end, fmt, lab, notes_of),
        _measurement_trace(measurements, fmt, lab, None if still else notes_of),
        _trend_trace(kpi, today, fmt, lab),
    ]
    data = [trace for trace in traces if trace is not None]
    if still:
        data = [_without_hover(trace) for trace in data]

    shape, annotation = today_marks(today, lab, locale)
    status_label = lab.get(f"status_{status.value}", status.value)
    title_name = _shorten(name, COMPACT_TITLE_CHARS) if compact else name
    layout = base_layout(
        locale,
        title={
            "text": f"{esc(title_name)} – {esc(status_label)}",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 18},
        },
        xaxis={
            **_date_axis(data, today, locale, compact),
            "title": {"text": esc(lab["period"])},
            "gridcolor": GRID,
        },
        yaxis=_value_axis(kpi, fmt, lab, unit, locale),
        legend={"orientation": "h", "x": 0, "y": -0.26, "yanchor": "top"},
        margin={"l": 64, "r": 24, "t": 72, "b": 112},
        height=KPI_HEIGHT,
        hovermode="closest",
        shapes=[shape],
        annotations=[annotation],
        meta={"kind": kpi.kind, "status": status.value, "status_label": status_label},
    )
    figure = make_figure(data, layout)
    if compact:
        _compact(figure)
    if still:
        figure["config"] = {**figure.get("config", {}), "staticPlot": True}
    return figure


def _without_hover(trace: Trace) -> Trace:
    plain = {key: value for key, value in trace.items() if key not in ("hovertext", "hovertemplate")}
    plain["hoverinfo"] = "skip"
    return plain


@dataclass(frozen=True)
class _Notes:
    """The KPI's source and each period's own source and note, for the hover texts."""

    source: str
    sources: Mapping[date, str]
    notes: Mapping[date, str]


Trace = dict[str, Any]


def _expected_trace(
    baseline: Point | None, current: Sequence[Target], fmt: KPIFormatter, lab: Mapping[str, str]
) -> Trace | None:
    """The expected path: the straight lines progress.expected_value follows, baseline → current targets."""
    if baseline is None:
        return None
    knots = [baseline] + [Point(t.target_date, t.value) for t in current if t.target_date > baseline.period]
    if len(knots) < 2:
        return None
    return {
        "type": "scatter",
        "mode": "lines",
        "name": esc(lab["expected"]),
        "x": [p.period.isoformat() for p in knots],
        "y": [p.value for p in knots],
        "line": {"color": GREEN, "width": 2, "dash": "dot"},
        "hovertext": [hover(esc(lab["expected"]), fmt.date(p.period), fmt.value(p.value)) for p in knots],
        "hovertemplate": HOVER,
    }


def _target_hover(target: Target, label: str, fmt: KPIFormatter, lab: Mapping[str, str]) -> str:
    return hover(esc(label), esc(fmt.target(target)), esc(lab["set_on"] % {"date": fmt.date(target.set_on)}))


def _target_trace(
    current: Sequence[Target],
    baseline: Point | None,
    measurements: Sequence[Point],
    fmt: KPIFormatter,
    lab: Mapping[str, str],
) -> Trace | None:
    """Current targets as a step line: in force until their date (next_target), so the step runs at a
    target's level up to it, from the baseline (or the first measurement) on."""
    if not current:
        return None
    xs = [t.target_date.isoformat() for t in current]
    ys = [t.value for t in current]
    texts = [_target_hover(t, lab["target"], fmt, lab) for t in current]
    sizes = [11] * len(current)
    start = baseline.period if baseline is not None else (measurements[0].period if measurements else None)
    if start is not None and start < current[0].target_date:
        xs.insert(0, start.isoformat())
        ys.insert(0, current[0].value)
        texts.insert(0, texts[0])
        sizes.insert(0, 0)
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": esc(lab["target"]),
        "x": xs,
        "y": ys,
        "line": {"color": BLACK, "width": 1.5, "shape": "vh"},
        "marker": {"symbol": "diamond", "size": sizes, "color": BLACK},
        "hovertext": texts,
        "hovertemplate": HOVER,
    }


def _superseded_trace(
    superseded: Sequence[Target], fmt: KPIFormatter, lab: Mapping[str, str]
) -> Trace | None:
    if not superseded:
        return None
    return {
        "type": "scatter",
        "mode": "markers",
        "name": esc(lab["superseded_target"]),
        "x": [t.target_date.isoformat() for t in superseded],
        "y": [t.value for t in superseded],
        "marker": {"symbol": "diamond-open", "size": 11, "color": GREY, "line": {"width": 2}},
        "hovertext": [_target_hover(t, lab["superseded_target"], fmt, lab) for t in superseded],
        "hovertemplate": HOVER,
    }


def _baseline_trace(
    baseline: Point | None, x_end: date, fmt: KPIFormatter, lab: Mapping[str, str], notes: _Notes
) -> Trace | None:
    """The baseline: a square marker and a thin horizontal reference to the end of the chart."""
    if baseline is None:
        return None
    text = hover(
        esc(lab["baseline"]),
        fmt.date(baseline.period),
        fmt.value(baseline.value, baseline.out_of),
        *_source_lines(fmt, baseline.period, notes.source, notes.sources, notes.notes),
    )
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": esc(lab["baseline"]),
        "x": [baseline.period.isoformat(), x_end.isoformat()],
        "y": [baseline.value, baseline.value],
        "line": {"color": GREY, "width": 1},
        "marker": {"symbol": "square", "size": [11, 0], "color": GREY},
        "hovertext": [text, text],
        "hovertemplate": HOVER,
    }


def _measurement_trace(
    measurements: Sequence[Point], fmt: KPIFormatter, lab: Mapping[str, str], notes: _Notes | None
) -> Trace | None:
    """The measurements; without `notes`, no hover texts (a still figure: thousands of them on a report)."""
    if not measurements:
        return None
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": esc(lab["measurement"]),
        "x": [p.period.isoformat() for p in measurements],
        "y": [p.value for p in measurements],
        "line": {"color": BLUE, "width": 3},
        "marker": {"symbol": "circle", "size": 9, "color": BLUE},
    }
    if notes is not None:
        trace["hovertext"] = [
            _point_hover(fmt, p, notes.source, notes.sources, notes.notes) for p in measurements
        ]
        trace["hovertemplate"] = HOVER
    return trace


def _trend_trace(kpi: KPIInput, today: date, fmt: KPIFormatter, lab: Mapping[str, str]) -> Trace | None:
    """The least-squares trend through the recent measurements, dashed, to the last target date."""
    line = progress.trend(kpi.measurements, _trend_until(kpi, today), kind=kpi.kind)
    if line is None:
        return None
    ends = (line.start, line.end)
    return {
        "type": "scatter",
        "mode": "lines",
        "name": esc(lab["trend"]),
        "x": [p.period.isoformat() for p in ends],
        "y": [p.value for p in ends],
        "line": {"color": VERMILLION, "width": 2, "dash": "dash"},
        "hovertext": [
            hover(esc(lab["trend"]), fmt.date(p.period), fmt.value(p.value, p.out_of)) for p in ends
        ],
        "hovertemplate": HOVER,
    }


def _value_axis(
    kpi: KPIInput, fmt: KPIFormatter, lab: Mapping[str, str], unit: str, locale: str
) -> dict[str, Any]:
    if fmt.rank:
        return _rank_axis(kpi, lab)
    yaxis: dict[str, Any] = {
        "title": {"text": esc(unit)},
        "gridcolor": GRID,
        "zeroline": False,
        "automargin": True,
        "separatethousands": True,  # 4.000, not 4000, as the data table writes it
    }
    if fmt.unit == "%":
        yaxis["ticksuffix"] = " %" if language(locale) == "da" else "%"
    return yaxis


def _date_axis(data: Sequence[Trace], today: date, locale: str, compact: bool) -> dict[str, Any]:
    """The period axis over every date drawn (the traces' and today), its months in the reader's language."""
    days = [today.isoformat(), *(x for trace in data for x in trace["x"])]
    return date_axis(
        date.fromisoformat(min(days)), date.fromisoformat(max(days)), locale, most=4 if compact else 8
    )


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
