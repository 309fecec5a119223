"""Unit tests for the pure chart builders in strategitracker.charts (no app, no database)."""

import json
from dataclasses import replace
from datetime import date, timedelta

import plotly.graph_objects as go
import pytest

from strategitracker import progress
from strategitracker.charts import figures as charts
from strategitracker.charts.figures import (
    figure_json,
    goal_overview_figure,
    kpi_figure,
    kpi_rows,
    kpi_table,
    peer_figure,
    timeline_figure,
)
from strategitracker.formatting import format_date, format_number, format_percent
from strategitracker.progress import KPIInput, Point, Target

# Thisted's overall rank in DI's survey (/work/shared/thisted_facts.md), published each September.
THISTED_RANKS = [
    (2015, 92, 96),
    (2016, 88, 96),
    (2017, 64, 96),
    (2018, 50, 93),
    (2019, 6, 93),
    (2020, 16, 93),
    (2021, 13, 93),
    (2022, 19, 93),
    (2023, 37, 92),
]

DA = {
    "measurement": "Måling",
    "baseline": "Udgangspunkt",
    "target": "Mål",
    "superseded_target": "Erstattet mål",
    "expected": "Forventet forløb",
    "trend": "Tendens",
    "today": "I dag",
    "rank": "Placering",
    "rank_of": "nr. %(rank)s af %(n)s",
    "rank_only": "nr. %(rank)s",
    "source": "Kilde: %(source)s",
    "note": "Note: %(note)s",
    "target_by": "%(value)s senest %(date)s",
    "set_on": "sat %(date)s",
    "overdue": "overskredet",
    "progress": "Fremdrift mod mål",
    "action_plans": "Handleplaner efter status",
    "status_on_track": "på rette spor",
    "status_at_risk": "i risiko",
    "status_off_track": "ikke på rette spor",
    "status_no_data": "ingen data",
    "status_stale": "ikke opdateret",
    "status_no_target": "intet mål",
    "plan_status_not_started": "Ikke startet",
    "plan_status_in_progress": "I gang",
    "plan_status_delayed": "Forsinket",
    "plan_status_done": "Afsluttet",
    "plan_status_cancelled": "Udgået",
}

TODAY = date(2024, 3, 1)


def thisted_kpi(targets=None, today_measurements=THISTED_RANKS) -> KPIInput:
    return KPIInput(
        direction="lower",
        frequency="yearly",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
        targets=targets
        if targets is not None
        else [
            Target(value=20, target_date=date(2019, 9, 1), set_on=date(2015, 10, 1)),  # superseded
            Target(value=10, target_date=date(2019, 9, 1), set_on=date(2016, 1, 15)),
            Target(value=5, target_date=date(2027, 9, 1), set_on=date(2023, 10, 1)),
        ],
        measurements=[Point(date(y, 9, 1), r, n) for y, r, n in today_measurements],
        kind="rank",
    )


def number_kpi(**kwargs) -> KPIInput:
    values = {
        "direction": "lower",
        "frequency": "yearly",
        "baseline_value": 1500.0,
        "baseline_date": date(2020, 1, 1),
        "targets": [Target(value=1000.0, target_date=date(2026, 1, 1), set_on=date(2020, 1, 1))],
        "measurements": [
            Point(date(2021, 1, 1), 1400.0),
            Point(date(2022, 1, 1), 1350.5),
            Point(date(2023, 1, 1), 1234.5),
        ],
    }
    values.update(kwargs)
    return KPIInput(**values)


def trace(figure: dict, name: str) -> dict:
    matches = [t for t in figure["data"] if t["name"] == name]
    assert len(matches) == 1, [t["name"] for t in figure["data"]]
    return matches[0]


def assert_valid(figure: dict) -> None:
    """The dict is JSON as is and plotly's own schema accepts it (the builders never validate at runtime)."""
    json.dumps(figure)
    go.Figure(data=figure["data"], layout=figure["layout"])
    assert figure["config"]["displaylogo"] is False
    assert figure["config"]["displayModeBar"] is False  # no focusable buttons inside role="img"


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "locale", "expected"),
    [
        (1234.5, 1, "da", "1.234,5"),
        (1234.5, 1, "en", "1,234.5"),
        (1234567.891, 2, "da", "1.234.567,89"),
        (6, 0, "da", "6"),
        (6.0, 0, "da", "6"),
        (2.5, 0, "da", "3"),  # half away from zero, not banker's rounding
        (0.125, 2, "da", "0,13"),
        (1.005, 2, "da", "1,01"),  # rounded as printed, not as the binary float 1.00499…
        (1234567, 0, "da", "1.234.567"),
        (1234567, 2, "en", "1,234,567.00"),
        (-1234.5, 0, "da", "-1.235"),
        (-0.04, 0, "da", "0"),
        (94.6, None, "da", "94,6"),
        (15, None, "da", "15"),
        (1.23456, None, "en", "1.23"),
        (None, 0, "da", ""),
        (float("nan"), 1, "da", ""),
        (1234.5, 1, "da_DK", "1.234,5"),
    ],
)
def test_format_number(value, decimals, locale, expected):
    assert format_number(value, decimals, locale) == expected


def test_format_percent_and_date():
    assert format_percent(51.2, 0, "da") == "51 %"
    assert format_percent(51.2, 1, "en") == "51.2%"
    assert format_date(date(2019, 9, 1), "da") == "1. sep. 2019"
    assert format_date(date(2024, 5, 17), "da") == "17. maj 2024"
    assert format_date(date(2019, 9, 1), "en") == "Sep 1, 2019"


def test_figure_json_is_compact_and_keeps_its_letters():
    text = figure_json({"data": [{"name": "Målsætning", "y": [1, 2.5]}]})
    assert text == '{"data":[{"name":"Målsætning","y":[1,2.5]}]}'


def test_figure_json_cannot_close_the_script_block():
    figure = {"data": [{"name": "</script><script>alert(1)</script>"}]}
    text = figure_json(figure)
    assert "<" not in text and ">" not in text
    assert json.loads(text) == figure


# --- KPI figure -----------------------------------------------------------------------------------


def test_thisted_rank_figure_hover_says_rank_of_n():
    figure = kpi_figure(thisted_kpi(), name="Placering i DI", source="DI", today=TODAY, labels=DA)
    assert_valid(figure)
    measured = trace(figure, "Måling")
    assert measured["mode"] == "lines+markers"
    assert measured["x"][4] == "2019-09-01" and measured["y"][4] == 6
    expected = [f"nr. {r} af {n}" for _, r, n in THISTED_RANKS]
    assert len(measured["hovertext"]) == len(expected)
    for text, rank_text in zip(measured["hovertext"], expected, strict=True):
        assert rank_text in text
        assert "Kilde: DI" in text
    assert "nr. 6 af 93" in measured["hovertext"][4]
    assert "1. sep. 2019" in measured["hovertext"][4]
    assert "nr. 37 af 92" in measured["hovertext"][-1]
    assert "nr. 92 af 96" in trace(figure, "Udgangspunkt")["hovertext"][0]


def test_rank_axis_is_reversed_and_follows_n():
    yaxis = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA)["layout"]["yaxis"]
    assert yaxis["range"] == [97, 0]  # N = 96 (2015–2017): rank 1 at the top
    assert yaxis["range"][0] > yaxis["range"][1]
    assert yaxis["tickvals"][0] == 1 and yaxis["tickvals"][-1] == 96

    from_2018 = [row for row in THISTED_RANKS if row[0] >= 2018]
    kpi = thisted_kpi(today_measurements=from_2018)
    kpi = replace(kpi, baseline_out_of=93, baseline_date=date(2018, 1, 1))
    yaxis = kpi_figure(kpi, name="DI", today=TODAY, labels=DA)["layout"]["yaxis"]
    assert yaxis["range"] == [94, 0]
    assert yaxis["tickvals"][-1] == 93


def test_rank_axis_without_n_is_reversed_automatically():
    kpi = KPIInput(
        direction="lower",
        frequency="yearly",
        baseline_value=None,
        baseline_date=None,
        targets=[],
        measurements=[Point(date(2019, 9, 1), 6), Point(date(2020, 9, 1), 16)],
        kind="rank",
    )
    figure = kpi_figure(kpi, name="DI", today=TODAY, labels=DA)
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"
    assert trace(figure, "Måling")["hovertext"][0].endswith("nr. 6")


def test_current_targets_step_line_and_superseded_markers():
    figure = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA)
    current = trace(figure, "Mål")
    assert current["mode"] == "lines+markers"
    assert current["line"]["shape"] == "vh"
    # The step starts at the baseline at the first target's level (no marker there), then a marker per target.
    assert current["x"] == ["2015-09-01", "2019-09-01", "2027-09-01"]
    assert current["y"] == [10, 10, 5]
    assert current["marker"]["size"] == [0, 11, 11]
    assert "nr. 10 senest 1. sep. 2019" in current["hovertext"][1]

    superseded = trace(figure, "Erstattet mål")
    assert superseded["mode"] == "markers"
    assert superseded["marker"]["symbol"].endswith("-open")
    assert superseded["marker"]["color"] == charts.GREY
    assert superseded["x"] == ["2019-09-01"] and superseded["y"] == [20]
    assert "sat 1. okt. 2015" in superseded["hovertext"][0]


def test_no_superseded_trace_without_superseded_targets():
    targets = [Target(value=10, target_date=date(2027, 9, 1), set_on=date(2016, 1, 15))]
    names = [t["name"] for t in kpi_figure(thisted_kpi(targets), name="DI", today=TODAY, labels=DA)["data"]]
    assert "Erstattet mål" not in names
    assert {"Måling", "Udgangspunkt", "Mål", "Forventet forløb", "Tendens"} <= set(names)


def test_expected_path_runs_from_the_baseline_through_current_targets():
    expected = trace(kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA), "Forventet forløb")
    assert expected["line"]["dash"] == "dot"
    assert expected["x"] == ["2015-09-01", "2019-09-01", "2027-09-01"]
    assert expected["y"] == [92, 10, 5]


def test_trend_is_dashed_and_ends_at_the_last_target_date():
    figure = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA)
    projection = trace(figure, "Tendens")
    assert projection["mode"] == "lines"
    assert projection["line"]["dash"] == "dash"
    assert projection["x"] == ["2019-09-01", "2027-09-01"]  # the last five measurements, to the target date
    assert 1 <= projection["y"][1] <= 92  # a rank projection stays within 1..N


def test_trend_without_target_runs_to_today_plus_one_year():
    figure = kpi_figure(
        number_kpi(targets=[]), name="Sagsbehandlingstid", unit="dage", today=TODAY, labels=DA
    )
    assert trace(figure, "Tendens")["x"][-1] == "2025-03-01"
    names = [t["name"] for t in figure["data"]]
    assert "Mål" not in names and "Forventet forløb" not in names


def test_trend_after_the_last_target_date_runs_to_today_plus_one_year():
    targets = [Target(value=10, target_date=date(2019, 9, 1), set_on=date(2016, 1, 15))]
    figure = kpi_figure(thisted_kpi(targets), name="DI", today=TODAY, labels=DA)
    assert trace(figure, "Tendens")["x"][-1] == "2025-03-01"


def test_no_trend_with_one_measurement():
    kpi = number_kpi(measurements=[Point(date(2021, 1, 1), 1400.0)])
    names = [t["name"] for t in kpi_figure(kpi, name="X", today=TODAY, labels=DA)["data"]]
    assert "Tendens" not in names and "Måling" in names


@pytest.mark.parametrize(
    ("measurements", "today", "status_label"),
    [
        (THISTED_RANKS[:5], date(2020, 1, 1), "på rette spor"),  # rank 6 in 2019 beat the line towards 10
        (THISTED_RANKS, TODAY, "ikke på rette spor"),  # rank 37 in 2023 against an expected ~7
        (THISTED_RANKS, date(2026, 1, 1), "ikke opdateret"),  # the 2023 figure is older than two years
        ([], TODAY, "ingen data"),
    ],
)
def test_status_is_written_in_the_title(measurements, today, status_label):
    figure = kpi_figure(thisted_kpi(today_measurements=measurements), name="Nøgletal", today=today, labels=DA)
    assert figure["layout"]["title"]["text"] == f"Nøgletal – {status_label}"
    assert_valid(figure)


def test_number_kpi_hover_is_danish_with_unit_source_and_note():
    kpi = number_kpi()
    figure = kpi_figure(
        kpi,
        name="Udgifter",
        unit="kr.",
        source="Regnskab",
        today=date(2023, 6, 1),
        labels=DA,
        sources={date(2023, 1, 1): "Årsregnskab 2022"},
        notes={date(2023, 1, 1): "illustrativ værdi"},
    )
    assert_valid(figure)
    hover = trace(figure, "Måling")["hovertext"]
    assert "1.400,0 kr." in hover[0] and "Kilde: Regnskab" in hover[0]
    assert "1.234,5 kr." in hover[2]
    assert "Kilde: Årsregnskab 2022" in hover[2] and "Note: illustrativ værdi" in hover[2]
    assert figure["layout"]["separators"] == ",."
    assert figure["layout"]["yaxis"]["separatethousands"]  # axis ticks 1.400, as the table writes them
    assert figure["layout"]["yaxis"]["title"]["text"] == "kr."
    assert "autorange" not in figure["layout"]["yaxis"]  # only ranks are reversed

    english = kpi_figure(kpi, name="Spend", unit="DKK", today=date(2023, 6, 1), labels={}, locale="en")
    assert "1,234.5 DKK" in trace(english, "Measurement")["hovertext"][2]
    assert english["layout"]["separators"] == ".,"


def test_percent_kpi_gets_a_percent_unit():
    kpi = number_kpi(
        baseline_value=50.0,
        targets=[Target(value=90.0, target_date=date(2026, 1, 1), set_on=date(2020, 1, 1))],
        measurements=[Point(date(2021, 1, 1), 60.0), Point(date(2022, 1, 1), 94.6)],
        direction="higher",
        kind="percent",
    )
    figure = kpi_figure(kpi, name="Svar inden 24 timer", today=date(2022, 6, 1), labels=DA)
    assert "94,6 %" in trace(figure, "Måling")["hovertext"][1]
    assert figure["layout"]["yaxis"]["ticksuffix"] == " %"


def test_user_text_is_escaped_for_plotly():
    figure = kpi_figure(number_kpi(), name="<b>Bad</b> & co", source="<i>x</i>", today=TODAY, labels=DA)
    assert figure["layout"]["title"]["text"].startswith("&lt;b&gt;Bad&lt;/b&gt; &amp; co – ")
    assert "<i>" not in trace(figure, "Måling")["hovertext"][0]


def test_kpi_figure_is_json_with_iso_dates_and_today_line():
    figure = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA)
    text = json.dumps(figure)
    assert "2019-09-01" in text
    (shape,) = figure["layout"]["shapes"]
    assert shape["x0"] == shape["x1"] == "2024-03-01"
    assert figure["layout"]["annotations"][0]["text"] == "I dag (1. mar. 2024)"
    assert figure["layout"]["meta"]["status"] == "off_track"


def test_labels_fall_back_to_english():
    figure = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels={})
    assert {"Measurement", "Target", "Superseded target", "Baseline", "Trend", "Expected path"} == {
        t["name"] for t in figure["data"]
    }
    assert "no. 6 of 93" in trace(figure, "Measurement")["hovertext"][4]
    assert figure["layout"]["title"]["text"] == "DI – off track"


def test_compact_kpi_figure_is_small_without_legend_and_keeps_the_data():
    full = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA)
    small = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA, compact=True)
    assert_valid(small)
    assert small["data"] == full["data"]  # same traces, same hover texts ("nr. k af N")
    assert small["layout"]["title"]["text"] == full["layout"]["title"]["text"] == "DI – ikke på rette spor"
    assert small["layout"]["height"] == charts.COMPACT_HEIGHT
    assert full["layout"]["height"] == charts.KPI_HEIGHT
    assert small["layout"]["showlegend"] is False
    assert "title" not in small["layout"]["xaxis"] and "title" not in small["layout"]["yaxis"]
    assert small["layout"]["yaxis"]["range"] == full["layout"]["yaxis"]["range"]  # rank 1 still on top
    assert small["config"] == full["config"]
    assert len(small["layout"]["shapes"]) == 1  # today is still marked


def test_a_still_kpi_figure_draws_the_same_lines_without_hover_texts():
    """For paper (the printed reports): the same traces, no hover texts, and plotly's static plot."""
    full = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA)
    still = kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA, still=True)
    assert_valid(still)
    assert [(t["name"], t["x"], t["y"]) for t in still["data"]] == [
        (t["name"], t["x"], t["y"]) for t in full["data"]
    ]
    assert all("hovertext" in t for t in full["data"])
    assert not [t for t in still["data"] if "hovertext" in t or "hovertemplate" in t]
    assert {t["hoverinfo"] for t in still["data"]} == {"skip"}
    assert still["config"]["staticPlot"] is True and "staticPlot" not in full["config"]
    assert still["layout"] == full["layout"]
    assert len(json.dumps(still)) < len(json.dumps(full))


# --- KPI data table -------------------------------------------------------------------------------


def test_kpi_table_rows_for_thisted():
    rows = kpi_table(
        thisted_kpi(),
        DA,
        "da",
        source="DI",
        notes={date(2019, 9, 1): "Top ti"},
        sources={date(2023, 9, 1): "nordjyske.dk"},
    )
    json.dumps(rows)
    assert [r["kind"] for r in rows] == ["baseline"] + ["measurement"] * len(THISTED_RANKS)
    assert rows[0]["kind_label"] == "Udgangspunkt" and rows[0]["value"] == "nr. 92 af 96"
    row_2019 = next(r for r in rows if r["period"] == "2019-09-01")
    assert row_2019 == {
        "period": "2019-09-01",
        "period_label": "1. sep. 2019",
        "kind": "measurement",
        "kind_label": "Måling",
        "value": "nr. 6 af 93",
        "number": "6",
        "raw": 6,
        "n": "93",
        "target": "nr. 10 senest 1. sep. 2019",
        "expected": "nr. 10",
        "note": "Top ti",
        "source": "DI",
    }
    assert rows[-1]["source"] == "nordjyske.dk"
    assert rows[-1]["target"] == "nr. 5 senest 1. sep. 2027"


def test_kpi_table_number_formatting():
    rows = kpi_table(number_kpi(), DA, "da", unit="kr.")
    assert [r["number"] for r in rows] == ["1.500,0", "1.400,0", "1.350,5", "1.234,5"]
    assert rows[-1]["value"] == "1.234,5 kr." and rows[-1]["n"] == ""
    assert kpi_table(number_kpi(), {}, "en")[-1]["number"] == "1,234.5"


def every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.parametrize(
    "kpi",
    [
        thisted_kpi(),
        number_kpi(),
        number_kpi(targets=[]),
        number_kpi(baseline_value=None),
        number_kpi(
            targets=[
                Target(value=1300.0, target_date=date(2022, 6, 30), set_on=date(2020, 1, 1)),
                Target(value=1200.0, target_date=date(2024, 1, 1), set_on=date(2020, 1, 1)),
                Target(value=1250.0, target_date=date(2024, 1, 1), set_on=date(2021, 1, 1)),  # supersedes
                Target(
                    value=1000.0, target_date=date(2019, 1, 1), set_on=date(2018, 1, 1)
                ),  # before baseline
                Target(value=900.0, target_date=date(2030, 1, 1), set_on=date(2020, 1, 1)),
            ]
        ),
    ],
)
def test_the_table_finds_each_rows_target_and_expected_value_as_progress_does(kpi):
    days = every_day(date(2014, 1, 1), date(2031, 12, 31))
    current = progress.current_targets(kpi.targets)
    assert kpi_rows._next_targets(current, days) == [progress.next_target(current, d) for d in days]
    assert kpi_rows._expected_values(kpi, days) == [progress.expected_value(kpi, d) for d in days]


def test_figure_and_table_write_the_same_with_a_shared_formatter():
    kpi = thisted_kpi()
    notes = {date(2019, 9, 1): "Top ti"}
    fmt = charts.kpi_formatter(kpi, DA, "da")
    shared_figure = kpi_figure(
        kpi, name="DI", source="DI", today=TODAY, labels=DA, notes=notes, formatter=fmt
    )
    shared_rows = kpi_table(kpi, DA, "da", source="DI", notes=notes, formatter=fmt)
    assert shared_figure == kpi_figure(kpi, name="DI", source="DI", today=TODAY, labels=DA, notes=notes)
    assert shared_rows == kpi_table(kpi, DA, "da", source="DI", notes=notes)
    measured = trace(shared_figure, "Måling")["hovertext"]
    assert measured[4] == "<b>1. sep. 2019</b><br>nr. 6 af 93<br>Kilde: DI<br>Note: Top ti"


# --- goal overview --------------------------------------------------------------------------------


def test_goal_overview_has_progress_bars_and_action_plan_bars():
    figure = goal_overview_figure(
        [
            ("Placering i DI", 51.2, "på rette spor"),
            ("Svar inden 24 timer", 20.0, "ikke på rette spor"),
            ("Medarbejdere på kursus", None, "ingen data"),
        ],
        {"Ikke startet": 1, "I gang": 4, "Forsinket": 2, "Afsluttet": 3},
        DA,
    )
    assert_valid(figure)
    kpis, plans = figure["data"]
    assert kpis["type"] == plans["type"] == "bar"
    assert kpis["orientation"] == plans["orientation"] == "h"
    assert kpis["x"] == [51.2, 20.0, 0]
    assert kpis["text"] == ["51 % – på rette spor", "20 % – ikke på rette spor", "ingen data"]
    assert kpis["marker"]["color"][:2] == [charts.GREEN, charts.VERMILLION]
    assert (kpis["xaxis"], kpis["yaxis"], plans["xaxis"], plans["yaxis"]) == ("x", "y", "x2", "y2")
    assert plans["x"] == [1, 4, 2, 3] and plans["y"] == ["Ikke startet", "I gang", "Forsinket", "Afsluttet"]
    assert plans["marker"]["color"][1] == charts.BLUE  # "I gang" mapped back to in_progress
    layout = figure["layout"]
    assert layout["xaxis"]["range"] == [0, 100] and layout["xaxis"]["ticksuffix"] == " %"
    top, bottom = layout["yaxis"]["domain"], layout["yaxis2"]["domain"]
    assert bottom[1] < top[0]  # two stacked subplots that do not overlap
    assert layout["yaxis"]["autorange"] == "reversed"  # first KPI at the top
    assert [a["text"] for a in layout["annotations"]] == [
        "<b>Fremdrift mod mål</b>",
        "<b>Handleplaner efter status</b>",
    ]


def test_goal_overview_with_only_kpis_and_with_nothing():
    only = goal_overview_figure([("A", 100.0, "på rette spor"), ("A", 5.0, "i risiko")], {}, DA)
    assert_valid(only)
    assert len(only["data"]) == 1 and "xaxis2" not in only["layout"]
    assert only["data"][0]["y"] == ["A", "A (2)"]
    empty = goal_overview_figure([], {}, DA)
    assert_valid(empty)
    assert empty["data"] == [] and empty["layout"]["annotations"][0]["text"] == "No data"


# --- timeline -------------------------------------------------------------------------------------

PLANS = [
    {
        "title": "Erhvervskontakten",
        "start": date(2016, 1, 1),
        "due": date(2016, 6, 30),
        "status": "done",
        "status_label": "Afsluttet",
        "overdue": False,
    },
    {
        "title": "Styrket Erhvervsdialog",
        "start": date(2023, 1, 1),
        "due": date(2023, 12, 31),
        "status": "in_progress",
        "status_label": "I gang",
        "overdue": True,
    },
    {
        "title": "Virksomhedsbesøg",
        "start": date(2024, 1, 1),
        "due": date(2024, 12, 31),
        "status": "in_progress",
        "status_label": "I gang",
        "overdue": False,
    },
    {
        "title": "Uden datoer",
        "start": None,
        "due": None,
        "status": "not_started",
        "status_label": "Ikke startet",
    },
]


def test_timeline_bars_run_from_start_to_due_per_status():
    figure = timeline_figure(PLANS, TODAY, DA)
    assert_valid(figure)
    assert [t["name"] for t in figure["data"]] == [
        "I gang",
        "Afsluttet",
    ]  # status order; undated plan left out
    in_progress = trace(figure, "I gang")
    assert in_progress["type"] == "bar" and in_progress["orientation"] == "h"
    assert in_progress["base"] == ["2023-01-01", "2024-01-01"]
    assert in_progress["x"] == [365 * charts.MS_PER_DAY, 366 * charts.MS_PER_DAY]  # through the due date
    assert in_progress["text"] == ["I gang – overskredet", "I gang"]
    assert trace(figure, "Afsluttet")["text"] == ["Afsluttet"]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["yaxis"]["categoryarray"] == [
        "Erhvervskontakten",
        "Styrket Erhvervsdialog",
        "Virksomhedsbesøg",
    ]
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"


def test_timeline_leaves_room_for_the_status_beside_the_last_bars():
    figure = timeline_figure(PLANS, TODAY, DA)
    start, end = figure["layout"]["xaxis"]["range"]
    last = max([TODAY] + [p["due"] for p in PLANS if p.get("due")])
    first = min([TODAY] + [p["start"] for p in PLANS if p.get("start")])
    assert date.fromisoformat(start) < first
    assert (date.fromisoformat(end) - last).days >= 0.2 * (last - first).days


def test_timeline_marks_overdue_plans_and_today():
    figure = timeline_figure(PLANS, TODAY, DA)
    marker = trace(figure, "I gang")["marker"]
    assert marker["line"]["color"] == [charts.VERMILLION, charts.TEXT]
    assert marker["line"]["width"][0] > marker["line"]["width"][1]
    assert marker["pattern"]["shape"] == ["/", ""]
    assert "overskredet" in trace(figure, "I gang")["hovertext"][0]
    (shape,) = figure["layout"]["shapes"]
    assert shape["type"] == "line" and shape["x0"] == shape["x1"] == "2024-03-01"
    assert shape["yref"] == "paper" and (shape["y0"], shape["y1"]) == (0, 1)
    assert figure["layout"]["annotations"][0]["text"].startswith("I dag")


def test_timeline_with_only_a_due_date_and_empty():
    figure = timeline_figure(
        [
            {
                "title": "Frist",
                "start": None,
                "due": date(2024, 5, 1),
                "status": "delayed",
                "status_label": "Forsinket",
            }
        ],
        TODAY,
        DA,
    )
    assert_valid(figure)
    assert figure["data"][0]["base"] == ["2024-05-01"] and figure["data"][0]["x"] == [charts.MS_PER_DAY]
    empty = timeline_figure([], TODAY, DA)
    assert_valid(empty)
    assert empty["data"] == []


# --- peers ----------------------------------------------------------------------------------------

PEERS = {
    "Morsø": [(2016, 63, 96), (2017, 35, 96), (2021, 11, 93), (2022, 2, 93), (2023, 7, 92)],
    "Thisted": THISTED_RANKS,
    "Stevns": [(2015, 90, 96), (2018, 70, 93), (2019, 59, 93), (2020, 73, 93), (2021, 66, 93)],
}


def test_peer_figure_highlights_one_municipality():
    figure = peer_figure(PEERS, "Thisted", DA)
    assert_valid(figure)
    first, *others = figure["data"]
    assert first["name"] == "<b>Thisted</b>" and first["meta"]["highlight"] is True
    assert all(first["line"]["width"] > o["line"]["width"] for o in others)
    assert len({o["marker"]["symbol"] for o in others} | {first["marker"]["symbol"]}) == 3
    assert "nr. 6 af 93" in first["hovertext"][first["x"].index(2019)]
    assert first["hovertext"][0] == "<b>Thisted 2015</b><br>nr. 92 af 96"


def test_goal_overview_counts_have_whole_number_ticks():
    few = goal_overview_figure([("DI", 50.0, "on track")], {"Done": 1}, DA)
    assert few["layout"]["xaxis2"]["dtick"] == 1
    many = goal_overview_figure([], {"Done": 40}, DA)
    assert "dtick" not in many["layout"]["xaxis"] and many["layout"]["xaxis"]["tickformat"] == ",d"


def test_compact_title_shortens_a_long_kpi_name_but_keeps_the_status():
    name = "Andel henvendelser til Erhvervskontakten besvaret inden for 24 timer"
    small = kpi_figure(number_kpi(), name=name, today=TODAY, labels=DA, compact=True)
    full = kpi_figure(number_kpi(), name=name, today=TODAY, labels=DA)
    assert full["layout"]["title"]["text"].startswith(name + " – ")
    title = small["layout"]["title"]["text"]
    assert title.startswith("Andel henvendelser til Erhvervskontakten…") and title.endswith(
        " – " + full["layout"]["meta"]["status_label"]
    )
    assert len(title.split(" – ")[0]) <= charts.COMPACT_TITLE_CHARS


def test_goal_overview_leaves_room_between_its_subplots():
    for n_kpis, n_plans in [(1, 1), (1, 5), (8, 1), (3, 3)]:
        figure = goal_overview_figure(
            [(f"K{i}", 50.0, "on track") for i in range(n_kpis)],
            {f"S{i}": 1 for i in range(n_plans)},
            DA,
        )
        layout = figure["layout"]
        plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
        gap = layout["yaxis"]["domain"][0] - layout["yaxis2"]["domain"][1]
        assert gap * plot_px == pytest.approx(charts.OVERVIEW_GAP_PX)


def test_every_figure_sets_its_height():
    """With `responsive`, plotly takes the container's height when the layout has none (a 10 px plot)."""
    figures = [
        kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA),
        kpi_figure(thisted_kpi(), name="DI", today=TODAY, labels=DA, compact=True),
        peer_figure(PEERS, "Thisted", DA),
        goal_overview_figure([("DI", 50.0, "on track")], {"Done": 1}, DA),
        goal_overview_figure([], {}, DA),
        timeline_figure([], TODAY, DA),
        peer_figure({}, "Thisted", DA),
    ]
    assert all(f["layout"]["height"] >= charts.NO_DATA_HEIGHT for f in figures)


def test_peer_axis_is_reversed_and_gaps_break_lines():
    figure = peer_figure(PEERS, "Thisted", DA)
    assert figure["layout"]["yaxis"]["range"] == [97, 0]
    assert figure["layout"]["xaxis"]["dtick"] == 1
    morso = next(t for t in figure["data"] if t["name"] == "Morsø")
    assert morso["x"] == [2016, 2017, 2018, 2021, 2022, 2023]
    assert morso["y"] == [63, 35, None, 11, 2, 7]
    assert morso["connectgaps"] is False
    assert peer_figure({}, "Thisted", DA)["data"] == []


# --- performance ----------------------------------------------------------------------------------


def test_kpi_figure_is_cheap_to_build():
    import timeit

    kpi = thisted_kpi()
    runs = 200
    seconds = timeit.timeit(lambda: kpi_figure(kpi, name="DI", today=TODAY, labels=DA), number=runs)
    assert seconds / runs < 0.005  # generous for slow CI; about 0.2 ms on a laptop
