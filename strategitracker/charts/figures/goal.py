"""The goal overview: each KPI's progress towards its target and the goal's action plans by status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...formatting import format_number, format_percent, language
from ...progress import KPIStatus
from .common import (
    GRID,
    HOVER,
    LIGHT_GREY,
    OVERVIEW_BAR_PX,
    OVERVIEW_GAP_PX,
    OVERVIEW_MIN_PX,
    PLAN_STATUS_COLOURS,
    PLAN_STATUSES,
    STATUS_COLOURS,
    TEXT,
    base_layout,
    contrast_text,
    make_figure,
    merged_labels,
    no_data,
    unique,
)
from .kpi_format import esc


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
    lab = merged_labels(labels)
    kpi_codes = _status_by_label(lab, "status_", [s.value for s in KPIStatus])
    plan_codes = _status_by_label(lab, "plan_status_", PLAN_STATUSES)
    pct_suffix = " %" if language(locale) == "da" else "%"
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    n_kpis, n_plans = len(kpis), len(action_plan_counts)
    figure = make_figure(
        data, base_layout(locale, showlegend=False, margin={"l": 16, "r": 24, "t": 40, "b": 40})
    )
    if not n_kpis and not n_plans:
        return no_data(figure, lab)

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
                esc(status_label)
                if share_done is None
                else f"{format_percent(share_done, 0, locale)} – {esc(status_label)}"
            )
            colours.append(colour)
            inside.append(contrast_text(colour))
            texts.append(text)
            hovers.append(f"<b>{esc(kpi_name)}</b><br>{text}")
            xs.append(0 if share_done is None else min(100.0, max(0.0, float(share_done))))
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": esc(lab["progress"]),
                "x": xs,
                "y": unique([esc(k[0]) for k in kpis]),
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
                "name": esc(lab["action_plans"]),
                "x": counts,
                "y": unique([esc(k) for k in names]),
                "xaxis": "x2" if n_kpis else "x",
                "yaxis": "y2" if n_kpis else "y",
                "text": texts,
                "textposition": "auto",
                "insidetextfont": {"color": [contrast_text(c) for c in colours]},
                "outsidetextfont": {"color": TEXT},
                "cliponaxis": False,
                "marker": {"color": colours, "line": {"color": TEXT, "width": 1}},
                "hovertext": [f"<b>{esc(k)}</b><br>{t}" for k, t in zip(names, texts, strict=True)],
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
        "text": f"<b>{esc(text)}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 15, "color": TEXT},
    }
