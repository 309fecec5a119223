"""Charts in layers: `figures` builds plotly figures from plain data and stays pure (no Flask, no models, no
services); `pages` assembles a page's charts and tables from the read models; `labels` holds the translated
chart strings and `tables` writes a chart's data table. Views import what they need from here."""

from .figures import figure_json
from .labels import chart_labels, chart_locale
from .pages import (
    DEFAULT_PEERS,
    MAX_PEERS,
    REPORT_ROWS,
    Chart,
    GoalCharts,
    GoalSection,
    Sparkline,
    frozen_kpi_chart,
    frozen_sections,
    goal_charts,
    goal_overview_chart,
    goal_sections,
    kpi_caption,
    kpi_chart,
    kpi_columns,
    kpi_sparkline,
    kpi_sparklines,
    peer_chart,
    timeline_chart,
)
from .tables import chart_table_body

__all__ = [
    "DEFAULT_PEERS",
    "MAX_PEERS",
    "REPORT_ROWS",
    "Chart",
    "Sparkline",
    "GoalCharts",
    "GoalSection",
    "frozen_kpi_chart",
    "frozen_sections",
    "chart_labels",
    "chart_locale",
    "chart_table_body",
    "figure_json",
    "goal_charts",
    "goal_overview_chart",
    "goal_sections",
    "kpi_caption",
    "kpi_sparkline",
    "kpi_sparklines",
    "kpi_chart",
    "kpi_columns",
    "peer_chart",
    "timeline_chart",
]
