"""The action-plan timeline: a Gantt chart of a goal's or an organisation's action plans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from ...formatting import format_date
from .common import (
    GRID,
    HOVER,
    LIGHT_GREY,
    MS_PER_DAY,
    PLAN_STATUS_COLOURS,
    PLAN_STATUSES,
    TEXT,
    TIMELINE_TEXT_ROOM,
    VERMILLION,
    base_layout,
    contrast_text,
    date_axis,
    hover,
    make_figure,
    merged_labels,
    no_data,
    today_marks,
    unique,
)
from .kpi_format import esc


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
    lab = merged_labels(labels)
    drawn = [p for p in plans if p.get("start") or p.get("due")]
    titles = unique([esc(p["title"]) for p in drawn])
    by_status: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for title, plan in zip(titles, drawn, strict=True):
        by_status.setdefault(plan.get("status") or "", []).append((title, plan))
    order = [s for s in PLAN_STATUSES if s in by_status] + [s for s in by_status if s not in PLAN_STATUSES]

    data: list[dict[str, Any]] = []
    for status in order:
        rows = by_status[status]
        colour = PLAN_STATUS_COLOURS.get(status, LIGHT_GREY)
        text_colour = contrast_text(colour)
        trace: dict[str, list[Any]] = {k: [] for k in ("x", "y", "base", "text", "hover", "lc", "lw", "pat")}
        for title, plan in rows:
            start: date = plan.get("start") or plan["due"]
            due: date = plan.get("due") or start
            overdue = bool(plan.get("overdue"))
            status_label = esc(plan.get("status_label") or status)
            text = f"{status_label} – {esc(lab['overdue'])}" if overdue else status_label
            period = lab["start_due"] % {"start": format_date(start, locale), "due": format_date(due, locale)}
            trace["x"].append(((due - start).days + 1) * MS_PER_DAY)
            trace["y"].append(title)
            trace["base"].append(start.isoformat())
            trace["text"].append(text)
            trace["hover"].append(hover(title, esc(period), text))
            trace["lc"].append(VERMILLION if overdue else TEXT)
            trace["lw"].append(4 if overdue else 1)
            trace["pat"].append("/" if overdue else "")
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": esc(rows[0][1].get("status_label") or status),
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
    shape, annotation = today_marks(today, lab, locale)
    xaxis: dict[str, Any] = {"type": "date", "gridcolor": GRID}
    if drawn:
        # Room on the right for a status written beside a short bar ("Delayed – overdue"), and today.
        first = min([today, *(p.get("start") or p["due"] for p in drawn)])
        last = max([today, *(p.get("due") or p["start"] for p in drawn)])
        span = max((last - first).days, 60)
        xaxis.update(date_axis(first, last + timedelta(days=round(span * TIMELINE_TEXT_ROOM)), locale))
    layout = base_layout(
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
    figure = make_figure(data, layout)
    return figure if drawn else no_data(figure, lab)
