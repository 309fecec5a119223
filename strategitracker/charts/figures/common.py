"""What every chart shares: the label keys, the palette, sizes, and the layout helpers.

Callers pass a `labels` mapping of already translated strings (see `LABELS_EN` for the keys; missing keys
fall back to the English text). Colours come from the Okabe–Ito colour-blind-safe palette, and no
information is carried by colour alone: statuses are written in titles and on bars, traces differ in dash
style and marker symbol as well as colour.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from ...formatting import format_date, plotly_separators
from ...progress import KPIStatus
from .kpi_format import esc

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


def figure_json(figure: Mapping[str, Any]) -> Markup:
    """Compact JSON safe to put inside a <script type="application/json"> block (no "</script>" breakout):
    templates/charts/_chart.html writes every figure with it (the council report's 50 figures are 10 %
    shorter than with Jinja's |tojson, which adds spaces and writes "å" as an escape)."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def contrast_text(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (#RRGGBB), by WCAG relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return BLACK if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def unique(names: Sequence[str]) -> list[str]:
    """Category names made unique ("Plan", "Plan (2)") so bars with equal names do not overlap."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def merged_labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {**LABELS_EN, **labels}


def base_layout(locale: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": dict(FONT),
        "hoverlabel": {"font": {"size": 14}},
        "separators": plotly_separators(locale),
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 60, "r": 24, "t": 64, "b": 48},
    }
    layout.update(extra)
    return layout


def make_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def today_marks(today: date, lab: Mapping[str, str], locale: str) -> tuple[dict[str, Any], dict[str, Any]]:
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
        "text": f"{esc(lab['today'])} ({format_date(today, locale)})",
        "font": {"size": 13, "color": TEXT},
    }
    return shape, annotation


#: Steps (in months) a date axis may have between ticks, and the most ticks it draws.
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
MAX_DATE_TICKS = 8
#: The share of a date axis's span left empty at each end (plotly's own autorange pads about as much).
DATE_PAD = 0.04


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def date_axis(first: date, last: date, locale: str, *, most: int = MAX_DATE_TICKS) -> dict[str, Any]:
    """A date axis from `first` to `last` (a little air at both ends) whose ticks are written by Babel in the
    reader's language: "maj", "okt." in Danish, "May", "Oct" in English, the year under the first tick and
    under every January; whole years when the span is long. The browser and kaleido draw the same text.

    The ticks fall on the first of a month, `step` months apart, where `step` is the smallest of TICK_STEPS
    that keeps them at `most` or fewer.
    """
    pad = timedelta(days=max(15, round((last - first).days * DATE_PAD)))
    start, end = first - pad, last + pad
    low, high = start.year * 12 + start.month, end.year * 12 + end.month - 1
    step = next((s for s in TICK_STEPS if (high - low) // s + 1 <= most), TICK_STEPS[-1])
    first_tick = -(-low // step) * step  # the first multiple of `step` after `start`'s month
    ticks = [_month(index) for index in range(first_tick, high + 1, step)]
    texts = []
    for number, tick in enumerate(ticks):
        if step >= 12:
            texts.append(format_date(tick, locale, "y"))
        elif number == 0 or tick.month == 1:
            texts.append(f"{format_date(tick, locale, 'MMM')}<br>{format_date(tick, locale, 'y')}")
        else:
            texts.append(format_date(tick, locale, "MMM"))
    return {
        "type": "date",
        "range": [start.isoformat(), end.isoformat()],
        "tickmode": "array",
        "tickvals": [tick.isoformat() for tick in ticks],
        "ticktext": texts,
    }


def no_data(figure: dict[str, Any], lab: Mapping[str, str]) -> dict[str, Any]:
    figure["layout"].setdefault("annotations", []).append(
        {
            "text": esc(lab["no_data"]),
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


def hover(heading: str, *lines: str) -> str:
    return "<br>".join([f"<b>{heading}</b>", *(line for line in lines if line)])


def rank_range(n: int) -> dict[str, Any]:
    """Rank 1 at the top and N at the bottom, with a step of air at both ends; ticks 1, 10, 20, …, N."""
    ticks = [1] + [t for t in range(10, n, 10) if n - t >= 5] + [n]
    return {"range": [n + 1, 0], "autorange": False, "tickvals": ticks}
