"""Small pictures of a series: a sparkline's points, one point a year for overview charts."""

from datetime import date
from types import SimpleNamespace

from strategitracker.charts import pages as chart_pages
from strategitracker.charts.figures import SPARK_HEIGHT, SPARK_WIDTH, sparkline_points, yearly
from strategitracker.progress import KPIInput, Point


def _monthly(years: int) -> list[Point]:
    return [Point(date(2015 + m // 12, m % 12 + 1, 1), float(m)) for m in range(12 * years)]


def test_yearly_keeps_each_years_last_point_in_order():
    points = list(reversed(_monthly(3)))  # any order in, period order out
    assert yearly(points) == [Point(date(2015, 12, 1), 11.0), Point(date(2016, 12, 1), 23.0),
                              Point(date(2017, 12, 1), 35.0)]  # fmt: skip


def test_sparkline_points_fill_the_box_higher_is_up():
    coords = [tuple(map(float, pair.split(","))) for pair in sparkline_points([1, 3, 2]).split()]
    xs, ys = [x for x, _ in coords], [y for _, y in coords]
    assert xs[0] < xs[1] < xs[2] and 0 <= xs[0] and xs[2] <= SPARK_WIDTH
    assert ys[1] < ys[2] < ys[0] and 0 <= min(ys) and max(ys) <= SPARK_HEIGHT  # 3 is highest: nearest the top
    inverted = [float(p.split(",")[1]) for p in sparkline_points([1, 3, 2], invert=True).split()]
    assert inverted[0] < inverted[2] < inverted[1]  # a rank: 1 is best, drawn at the top
    assert sparkline_points([]) == ""
    flat = sparkline_points([5]).split()
    assert len(flat) == 2 and flat[0].split(",")[1] == flat[1].split(",")[1]


def _kv(frequency: str, measurements: list[Point], kind: str = "number"):
    data = KPIInput("higher", frequency, None, None, [], measurements, kind=kind)
    kpi = SimpleNamespace(name="Ledighed", kind=kind, unit="%", frequency=frequency)
    return SimpleNamespace(kpi=kpi, data=data)


def test_an_overview_chart_draws_one_point_a_year_only_for_long_frequent_series():
    long_monthly = _kv("monthly", _monthly(10))
    assert len(chart_pages.overview_data(long_monthly).measurements) == 10
    short = _kv("monthly", _monthly(2))
    assert chart_pages.overview_data(short) is short.data
    yearly_kpi = _kv("yearly", _monthly(10))
    assert chart_pages.overview_data(yearly_kpi) is yearly_kpi.data


def test_a_kpi_sparkline_says_where_the_series_begins_and_ends(app):
    with app.test_request_context():
        line = chart_pages.kpi_sparkline(_kv("monthly", _monthly(3)), {}, "da")
        assert line is not None and len(line.points.split()) == 3
        assert "Ledighed" in line.label and "11" in line.label and "35" in line.label
        assert chart_pages.kpi_sparkline(_kv("monthly", _monthly(1)), {}, "da") is None  # one year: no line
