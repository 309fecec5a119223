"""The date axes of the charts write their months in the reader's language (browser and kaleido alike)."""

from datetime import date

import pytest

from strategitracker.charts.figures import kpi_figure, timeline_figure
from strategitracker.charts.figures.common import date_axis
from strategitracker.progress import KPIInput, Point, Target

ENGLISH_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
DANISH_MONTHS = {
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
}


def _words(ticktext: list[str]) -> set[str]:
    return {part for text in ticktext for part in text.split("<br>")}


def _kpi(months: int = 10) -> KPIInput:
    """A monthly KPI from January 2025, so its axis runs through May and October."""
    return KPIInput(
        direction="higher",
        frequency="monthly",
        baseline_value=40,
        baseline_date=date(2025, 1, 1),
        targets=[Target(60, date(2025, 12, 31), date(2025, 1, 1))],
        measurements=[Point(date(2025, m, 1), 40 + m) for m in range(1, months + 1)],
    )


def _axis(locale: str) -> dict:
    figure = kpi_figure(_kpi(), name="Besøg", today=date(2025, 11, 15), labels={}, locale=locale)
    return figure["layout"]["xaxis"]


def test_a_danish_reader_gets_danish_month_names():
    axis = _axis("da")
    words = _words(axis["ticktext"])
    assert axis["tickmode"] == "array" and len(axis["tickvals"]) == len(axis["ticktext"])
    assert "maj" in words
    assert not words & ENGLISH_MONTHS


def test_an_english_reader_gets_english_month_names():
    words = _words(_axis("en")["ticktext"])
    assert words & ENGLISH_MONTHS
    assert not words & (DANISH_MONTHS - ENGLISH_MONTHS)


def test_monthly_ticks_name_may_and_october_in_danish():
    axis = date_axis(date(2025, 4, 20), date(2025, 11, 10), "da")
    assert axis["tickvals"][:2] == ["2025-05-01", "2025-06-01"]
    assert axis["ticktext"][0] == "maj<br>2025"  # the first tick carries the year
    assert "okt." in axis["ticktext"]
    assert axis["ticktext"][axis["tickvals"].index("2025-10-01")] == "okt."


def test_the_year_is_written_under_january():
    axis = date_axis(date(2024, 9, 1), date(2025, 3, 1), "da")
    january = axis["tickvals"].index("2025-01-01")
    assert axis["ticktext"][january] == "jan.<br>2025"


@pytest.mark.parametrize(
    ("first", "last", "most"),
    [
        (date(2025, 1, 1), date(2025, 1, 2), 8),
        (date(2024, 1, 1), date(2025, 12, 31), 8),
        (date(2015, 9, 1), date(2027, 12, 31), 8),
        (date(2000, 1, 1), date(2040, 1, 1), 8),
        (date(2024, 1, 1), date(2025, 12, 31), 4),
    ],
)
def test_the_ticks_stay_few_and_inside_the_range(first, last, most):
    axis = date_axis(first, last, "da", most=most)
    start, end = (date.fromisoformat(x) for x in axis["range"])
    ticks = [date.fromisoformat(x) for x in axis["tickvals"]]
    assert 1 <= len(ticks) <= most
    assert all(start <= tick <= end for tick in ticks)
    assert start < first and end > last


def test_a_long_span_is_labelled_by_year():
    axis = date_axis(date(2015, 9, 1), date(2027, 12, 31), "da")
    assert all(text.isdigit() and len(text) == 4 for text in axis["ticktext"])


def test_the_axis_covers_every_date_drawn():
    figure = kpi_figure(_kpi(), name="Besøg", today=date(2025, 11, 15), labels={}, locale="da")
    start, end = (date.fromisoformat(x) for x in figure["layout"]["xaxis"]["range"])
    drawn = [date.fromisoformat(x) for trace in figure["data"] for x in trace["x"]]
    assert start < min(drawn) and end > max(drawn)


def test_the_timeline_writes_danish_months():
    plans = [
        {"title": "Besøg", "start": date(2025, 3, 1), "due": date(2025, 10, 31), "status": "in_progress"},
    ]
    axis = timeline_figure(plans, date(2025, 6, 1), {}, locale="da")["layout"]["xaxis"]
    words = _words(axis["ticktext"])
    assert words & DANISH_MONTHS and not words & ENGLISH_MONTHS


def test_the_legend_sits_below_two_line_ticks_and_the_axis_title():
    """A tick with its year under it takes two lines; the legend starts below them and "Periode"."""
    layout = kpi_figure(_kpi(), name="Besøg", today=date(2025, 11, 15), labels={}, locale="da")["layout"]
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    below_px = -layout["legend"]["y"] * plot_px
    assert below_px >= 64 and below_px < layout["margin"]["b"]
