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
written by strategitracker/formatting.py; kpi_format.py adds a KPI's unit, precision and rank wording.

The modules: common.py (label keys, palette, sizes, layout helpers), kpi.py (the KPI figure), kpi_rows.py
(the KPI's data table), kpi_format.py (a KPI's values as text), goal.py (the goal overview), timeline.py
(the action-plan Gantt chart) and peers.py (the peer comparison). Every public name is importable from
`strategitracker.charts.figures`.
"""

from .common import (
    BLACK,
    BLUE,
    COMPACT_HEIGHT,
    COMPACT_TITLE_CHARS,
    CONFIG,
    FONT,
    GREEN,
    GREY,
    GRID,
    HOVER,
    KPI_HEIGHT,
    LABELS_EN,
    LIGHT_GREY,
    MS_PER_DAY,
    NO_DATA_HEIGHT,
    ORANGE,
    OVERVIEW_BAR_PX,
    OVERVIEW_GAP_PX,
    OVERVIEW_MIN_PX,
    PEER_COLOURS,
    PEER_HEIGHT,
    PEER_SYMBOLS,
    PLAN_STATUS_COLOURS,
    PLAN_STATUSES,
    PURPLE,
    SKY_BLUE,
    STATUS_COLOURS,
    TEXT,
    TIMELINE_TEXT_ROOM,
    VERMILLION,
    YELLOW,
    figure_json,
)
from .goal import goal_overview_figure
from .kpi import kpi_figure, kpi_formatter
from .kpi_format import KPIFormatter
from .kpi_rows import kpi_table
from .peers import peer_figure
from .sparkline import SPARK_HEIGHT, SPARK_WIDTH, sparkline_points, yearly
from .timeline import timeline_figure

__all__ = [
    "SPARK_HEIGHT",
    "SPARK_WIDTH",
    "sparkline_points",
    "yearly",
    "BLACK",
    "BLUE",
    "COMPACT_HEIGHT",
    "COMPACT_TITLE_CHARS",
    "CONFIG",
    "FONT",
    "GREEN",
    "GREY",
    "GRID",
    "HOVER",
    "KPI_HEIGHT",
    "LABELS_EN",
    "LIGHT_GREY",
    "MS_PER_DAY",
    "NO_DATA_HEIGHT",
    "ORANGE",
    "OVERVIEW_BAR_PX",
    "OVERVIEW_GAP_PX",
    "OVERVIEW_MIN_PX",
    "PEER_COLOURS",
    "PEER_HEIGHT",
    "PEER_SYMBOLS",
    "PLAN_STATUS_COLOURS",
    "PLAN_STATUSES",
    "PURPLE",
    "SKY_BLUE",
    "STATUS_COLOURS",
    "TEXT",
    "TIMELINE_TEXT_ROOM",
    "VERMILLION",
    "YELLOW",
    "KPIFormatter",
    "figure_json",
    "goal_overview_figure",
    "kpi_figure",
    "kpi_formatter",
    "kpi_table",
    "peer_figure",
    "timeline_figure",
]
