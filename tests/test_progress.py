"""Unit tests for the pure KPI rules in strategitracker.progress (no app, no database)."""

from datetime import date, timedelta

import pytest

from strategitracker.progress import (
    DAYS_PER_YEAR,
    KPIInput,
    KPIStatus,
    Point,
    Target,
    add_months,
    current_targets,
    expected_value,
    fresh_until,
    is_overdue,
    kpi_status,
    kpi_summary,
    latest,
    next_target,
    progress,
    projected_value,
    rank_percentile,
    trend,
)

# Thisted's overall rank in DI's survey (/work/shared/thisted_facts.md), published each September.
THISTED_RANKS = [
    (2016, 88, 96),
    (2017, 64, 96),
    (2018, 50, 93),
    (2019, 6, 93),
    (2020, 16, 93),
    (2021, 13, 93),
    (2022, 19, 93),
    (2023, 37, 92),
]
THISTED_TARGET = Target(value=10, target_date=date(2019, 9, 1), set_on=date(2016, 1, 15))


def thisted_points(until_year: int = 2023) -> list[Point]:
    return [Point(date(y, 9, 1), rank, n) for y, rank, n in THISTED_RANKS if y <= until_year]


def thisted(until_year: int = 2023, targets: list[Target] | None = None) -> KPIInput:
    return KPIInput(
        direction="lower",
        frequency="yearly",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
        targets=[THISTED_TARGET] if targets is None else targets,
        # Newest first on purpose: the functions must not rely on the input order.
        measurements=list(reversed(thisted_points(until_year))),
        kind="rank",
    )


def simple_kpi(
    measurements: list[Point],
    *,
    direction: str = "higher",
    frequency: str = "yearly",
    baseline: float | None = 0,
    baseline_date: date | None = date(2020, 1, 1),
    targets: list[Target] | None = None,
    kind: str = "number",
) -> KPIInput:
    """Baseline 0 on 2020-01-01, target 100 on 2021-01-01 unless told otherwise."""
    if targets is None:
        targets = [Target(100, date(2021, 1, 1), date(2020, 1, 1))]
    return KPIInput(direction, frequency, baseline, baseline_date, targets, measurements, kind)


# --- targets --------------------------------------------------------------------------------------


def test_current_targets_newest_set_on_wins_and_sorts_by_date():
    old = Target(10, date(2019, 9, 1), set_on=date(2016, 1, 15))
    revised = Target(30, date(2019, 9, 1), set_on=date(2017, 3, 1))
    later = Target(5, date(2023, 9, 1), set_on=date(2016, 1, 15))
    # Input order: the revision first, so "last row wins" would wrongly pick the old target.
    assert current_targets([later, revised, old]) == [revised, later]


def test_current_targets_same_set_on_later_row_wins():
    first = Target(10, date(2019, 9, 1), date(2016, 1, 15))
    second = Target(12, date(2019, 9, 1), date(2016, 1, 15))
    assert current_targets([first, second]) == [second]
    assert current_targets([second, first]) == [first]
    assert current_targets([]) == []


@pytest.mark.parametrize(
    ("on", "expected_value"),
    [
        (date(2018, 1, 1), 50),  # before the first target date
        (date(2019, 1, 1), 50),  # exactly on a target date: that target
        (date(2019, 1, 2), 20),  # between: the next one
        (date(2021, 1, 1), 20),
        (date(2030, 1, 1), 20),  # after the final target date: still judged against the final target
    ],
)
def test_next_target(on, expected_value):
    targets = [
        Target(20, date(2021, 1, 1), date(2018, 1, 1)),
        Target(40, date(2019, 1, 1), date(2017, 1, 1)),
        Target(50, date(2019, 1, 1), date(2018, 6, 1)),  # supersedes 40
    ]
    assert next_target(targets, on).value == expected_value


def test_next_target_without_targets_is_none():
    assert next_target([], date(2020, 1, 1)) is None


# --- progress -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest_value", "target", "direction", "expected"),
    [
        (0, 25, 100, "higher", 25.0),
        (40, 70, 100, "higher", 50.0),
        (92, 50, 10, "lower", 42 / 82 * 100),  # Thisted 2018: 42 of 82 places climbed
        (92, 37, 10, "lower", 55 / 82 * 100),  # Thisted 2023
        (0, 150, 100, "higher", 100.0),  # clamped above
        (92, 6, 10, "lower", 100.0),  # Thisted 2019: beat the target, clamped
        (0, -5, 100, "higher", 0.0),  # clamped below: worse than the baseline
        (92, 95, 10, "lower", 0.0),
        (50, 50, 50, "higher", 100.0),  # target equal to baseline: met
        (50, 51, 50, "higher", 100.0),
        (50, 49, 50, "higher", 0.0),  # ... not met
        (50, 49, 50, "lower", 100.0),
        (50, 51, 50, "lower", 0.0),
        (100, 95, 90, "higher", 100.0),  # a tolerated decline (target worse than baseline) is met
        (100, 85, 90, "higher", 0.0),  # ... or not
        (10, 12, 15, "lower", 100.0),  # lower is better, looser target: 12 is within 15
        (10, 16, 15, "lower", 0.0),
    ],
)
def test_progress(baseline, latest_value, target, direction, expected):
    assert progress(baseline, latest_value, target, direction) == pytest.approx(expected)


@pytest.mark.parametrize(("baseline", "latest_value", "target"), [(None, 1, 2), (0, None, 2), (0, 1, None)])
def test_progress_none_when_an_input_is_missing(baseline, latest_value, target):
    assert progress(baseline, latest_value, target, "higher") is None


def test_progress_rejects_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        progress(0, 1, 2, "up")


# --- expected value -------------------------------------------------------------------------------

PIECEWISE = simple_kpi(
    [],
    targets=[
        Target(50, date(2020, 1, 21), date(2020, 1, 1)),
        Target(100, date(2020, 1, 11), date(2020, 1, 1)),
        Target(999, date(2020, 1, 11), date(2019, 12, 1)),  # superseded by the 100 set later
    ],
)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 6, 1), 0.0),  # before the baseline: the baseline
        (date(2020, 1, 1), 0.0),  # on the baseline date
        (date(2020, 1, 6), 50.0),  # halfway from baseline 0 to target 100
        (date(2020, 1, 8), 70.0),
        (date(2020, 1, 11), 100.0),  # on the first target
        (date(2020, 1, 16), 75.0),  # halfway from 100 to 50
        (date(2020, 1, 21), 50.0),  # on the last target
        (date(2024, 1, 1), 50.0),  # after the last target: the last target value
    ],
)
def test_expected_value_piecewise(on, expected):
    assert expected_value(PIECEWISE, on) == pytest.approx(expected)


def test_expected_value_thisted_straight_line():
    # 731 of the 1461 days from 2015-09-01 to 2019-09-01 have passed on 2017-09-01.
    assert expected_value(thisted(), date(2017, 9, 1)) == pytest.approx(92 - 82 * 731 / 1461)
    assert expected_value(thisted(), date(2019, 9, 1)) == pytest.approx(10)
    assert expected_value(thisted(), date(2023, 9, 1)) == pytest.approx(10)


def test_expected_value_uses_the_revised_target():
    revised = Target(30, THISTED_TARGET.target_date, set_on=date(2017, 3, 1))
    kpi = thisted(targets=[revised, THISTED_TARGET])
    assert expected_value(kpi, date(2019, 9, 1)) == pytest.approx(30)
    assert expected_value(kpi, date(2017, 9, 1)) == pytest.approx(92 - 62 * 731 / 1461)


@pytest.mark.parametrize(
    "kpi",
    [
        simple_kpi([], targets=[]),
        simple_kpi([], baseline=None),
        simple_kpi([], baseline_date=None),
        # a target dated on or before the baseline gives no line to draw
        simple_kpi([], targets=[Target(100, date(2020, 1, 1), date(2019, 1, 1))]),
    ],
)
def test_expected_value_none_without_baseline_or_targets(kpi):
    assert expected_value(kpi, date(2020, 6, 1)) is None


# --- status ---------------------------------------------------------------------------------------


def test_status_no_data():
    assert kpi_status(simple_kpi([]), date(2020, 6, 1)) == KPIStatus.NO_DATA


@pytest.mark.parametrize(
    "kpi",
    [
        simple_kpi([Point(date(2020, 6, 1), 40)], targets=[]),
        simple_kpi([Point(date(2020, 6, 1), 40)], baseline=None, baseline_date=None),
    ],
)
def test_status_no_target_when_data_cannot_be_judged(kpi):
    assert kpi_status(kpi, date(2020, 7, 1)) == KPIStatus.NO_TARGET


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2016, KPIStatus.OFF_TRACK),  # 88 vs 71.5 expected on the line from 92 to 10
        (2017, KPIStatus.OFF_TRACK),  # 64 vs 51.0
        (2018, KPIStatus.OFF_TRACK),  # 50 vs 30.5
        (2019, KPIStatus.ON_TRACK),  # 6 vs 10: better than the target
        (2020, KPIStatus.AT_RISK),  # after the target date, judged against 10: 6 places worse <= 8.2
        (2021, KPIStatus.AT_RISK),  # 3 worse
        (2022, KPIStatus.OFF_TRACK),  # 9 worse > 0.10 × 82 = 8.2
        (2023, KPIStatus.OFF_TRACK),  # 27 worse
    ],
)
def test_status_thisted_rank_year_by_year(year, expected):
    assert kpi_status(thisted(year), date(year, 10, 1)) == expected


def test_status_with_superseded_target():
    # Revised to rank 30 for 2019: 2020's rank 16 is then on track; band 0.10 × |30 − 92| = 6.2.
    revised = Target(30, THISTED_TARGET.target_date, set_on=date(2017, 3, 1))
    assert (
        kpi_status(thisted(2020, targets=[THISTED_TARGET, revised]), date(2020, 10, 1)) == KPIStatus.ON_TRACK
    )
    assert kpi_status(thisted(2020), date(2020, 10, 1)) == KPIStatus.AT_RISK


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "value", "tolerance", "expected"),
    [
        ("higher", 0, 100, 110, 0.10, KPIStatus.ON_TRACK),
        ("higher", 0, 100, 100, 0.10, KPIStatus.ON_TRACK),
        ("higher", 0, 100, 99.99, 0.10, KPIStatus.AT_RISK),
        ("higher", 0, 100, 90, 0.10, KPIStatus.AT_RISK),  # exactly 10 % of the planned change short
        ("higher", 0, 100, 89.99, 0.10, KPIStatus.OFF_TRACK),
        ("higher", 0, 100, 80, 0.20, KPIStatus.AT_RISK),
        ("higher", 0, 100, 79.99, 0.20, KPIStatus.OFF_TRACK),
        ("lower", 100, 0, 0, 0.10, KPIStatus.ON_TRACK),
        ("lower", 100, 0, 10, 0.10, KPIStatus.AT_RISK),
        ("lower", 100, 0, 10.01, 0.10, KPIStatus.OFF_TRACK),
        ("higher", 50, 50, 50, 0.10, KPIStatus.ON_TRACK),  # hold-the-level target: no at-risk band
        ("higher", 50, 50, 49.9, 0.10, KPIStatus.OFF_TRACK),
        ("higher", 0, 100, 0, 0.0, KPIStatus.OFF_TRACK),
    ],
)
def test_status_tolerance_boundary(direction, baseline, target, value, tolerance, expected):
    kpi = simple_kpi(
        [Point(date(2021, 1, 1), value)],
        direction=direction,
        baseline=baseline,
        targets=[Target(target, date(2021, 1, 1), date(2020, 1, 1))],
    )
    assert kpi_status(kpi, date(2021, 2, 1), tolerance) == expected


def test_status_midway_uses_expected_value_at_the_measurement_period():
    # 2020-07-02 is day 183 of 366: expected 50.0; 45 is 5 short (at risk), 39 is 11 short (off track).
    assert kpi_status(simple_kpi([Point(date(2020, 7, 2), 45)]), date(2020, 8, 1)) == KPIStatus.AT_RISK
    assert kpi_status(simple_kpi([Point(date(2020, 7, 2), 39)]), date(2020, 8, 1)) == KPIStatus.OFF_TRACK
    assert kpi_status(simple_kpi([Point(date(2020, 7, 2), 50)]), date(2020, 8, 1)) == KPIStatus.ON_TRACK


def test_status_judges_the_latest_measurement_only():
    points = [Point(date(2021, 1, 1), 100), Point(date(2020, 7, 2), 0)]
    assert kpi_status(simple_kpi(points), date(2021, 2, 1)) == KPIStatus.ON_TRACK


@pytest.mark.parametrize(
    ("frequency", "period", "last_fresh_day"),
    [
        ("monthly", date(2024, 1, 31), date(2024, 3, 31)),
        ("monthly", date(2024, 12, 31), date(2025, 2, 28)),  # month-end clamped
        ("quarterly", date(2024, 1, 1), date(2024, 7, 1)),
        ("yearly", date(2023, 9, 1), date(2025, 9, 1)),
    ],
)
def test_stale_per_frequency_at_the_boundary(frequency, period, last_fresh_day):
    assert fresh_until(period, frequency) == last_fresh_day
    kpi = simple_kpi(
        [Point(period, 100)],
        frequency=frequency,
        targets=[Target(100, period, date(2020, 1, 1))],
    )
    assert kpi_status(kpi, last_fresh_day) == KPIStatus.ON_TRACK
    assert kpi_status(kpi, last_fresh_day + timedelta(days=1)) == KPIStatus.STALE


def test_stale_comes_before_no_target():
    kpi = simple_kpi([Point(date(2020, 1, 1), 5)], frequency="monthly", targets=[])
    assert kpi_status(kpi, date(2020, 3, 1)) == KPIStatus.NO_TARGET
    assert kpi_status(kpi, date(2020, 3, 2)) == KPIStatus.STALE


def test_unknown_frequency_and_negative_tolerance_are_rejected():
    with pytest.raises(ValueError, match="frequency"):
        fresh_until(date(2020, 1, 1), "weekly")
    with pytest.raises(ValueError, match="tolerance"):
        kpi_status(simple_kpi([Point(date(2020, 1, 1), 5)]), date(2020, 1, 2), tolerance=-0.1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2023, 9, 1), 24, date(2025, 9, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# --- one measurement ------------------------------------------------------------------------------


def test_one_measurement_status_works_and_trend_is_none():
    points = [Point(date(2020, 7, 2), 60)]
    kpi = simple_kpi(points)
    assert trend(points, date(2021, 1, 1)) is None
    assert kpi_status(kpi, date(2020, 8, 1)) == KPIStatus.ON_TRACK
    summary = kpi_summary(kpi, date(2020, 8, 1))
    assert summary.latest == points[0]
    assert summary.progress == pytest.approx(60.0)


# --- trend ----------------------------------------------------------------------------------------


def test_trend_hand_computed_small_case():
    # x = 0, 10, 20 days, y = 1, 3, 2: mean x 10, mean y 2, Sxy = 10, Sxx = 200
    # -> slope 0.05 a day, fitted 1.5 at x = 0 and 3.0 at x = 30.
    points = [Point(date(2020, 1, 21), 2), Point(date(2020, 1, 1), 1), Point(date(2020, 1, 11), 3)]
    line = trend(points, until=date(2020, 1, 31))
    assert line.slope_per_year == pytest.approx(0.05 * 365.25)
    assert line.start == Point(date(2020, 1, 1), pytest.approx(1.5))
    assert line.end == Point(date(2020, 1, 31), pytest.approx(3.0))
    assert projected_value(line, date(2020, 1, 21)) == pytest.approx(2.5)
    assert projected_value(line, date(2019, 12, 22)) == pytest.approx(1.0)


def test_trend_thisted_last_five_years():
    # Years 2019–2023: x = 0, 366, 731, 1096, 1461 days, y = 6, 16, 13, 19, 37.
    # mean x = 730.8, mean y = 18.2, Sxx = 1333710.8, Sxy = 23737.2 -> slope 0.017797861425/day,
    # fitted value at 2019-09-01 = 18.2 - slope * 730.8 = 5.193322870.
    line = trend(thisted_points(), until=date(2025, 9, 1), kind="rank")
    slope = 23737.2 / 1333710.8
    assert slope == pytest.approx(0.01779786142543046)
    assert line.slope_per_year == pytest.approx(slope * DAYS_PER_YEAR)
    assert line.slope_per_year == pytest.approx(6.500668885638476)
    assert line.start.value == pytest.approx(5.193322870295419)
    assert line.start.period == date(2019, 9, 1)
    assert line.end.period == date(2025, 9, 1)
    assert line.end.value == pytest.approx(18.2 + slope * (2192 - 730.8))  # 2192 days to 2025-09-01
    assert line.end.value == pytest.approx(44.20623511483899)
    assert line.end.out_of == 92


def test_trend_rank_projection_clamped_to_n_of_latest_point():
    line = trend(thisted_points(), until=date(2040, 1, 1), kind="rank")  # unclamped: 137.4
    assert line.end.value == 92
    assert projected_value(line, date(2040, 1, 1)) == 92
    assert projected_value(line, date(2030, 9, 1)) == pytest.approx(76.70513007767501)  # within range


def test_trend_rank_projection_never_below_one():
    # 2015–2019: 92, 88, 64, 50, 6: fitted 102.0 at 2015-09-01, -21.0 places a year.
    points = [Point(date(2015, 9, 1), 92, 96)] + thisted_points(2019)
    line = trend(points, until=date(2021, 9, 1), kind="rank")
    assert line.slope_per_year == pytest.approx(-21.000130238129586)
    assert line.start.value == 93  # fitted 102.0, beyond N = 93 of the latest point
    assert line.end.value == 1  # unclamped -24.0
    assert projected_value(line, date(2019, 9, 1)) == pytest.approx(18.016988090671532)
    assert projected_value(line, date(2020, 9, 1)) == 1  # unclamped -3.03


def test_trend_without_rank_kind_is_not_clamped():
    points = [Point(date(2015, 9, 1), 92, 96)] + thisted_points(2019)
    line = trend(points, until=date(2021, 9, 1))
    assert line.end.value == pytest.approx(-24.01201999713881)
    assert line.start.value == pytest.approx(102.01750904318988)


def test_trend_percent_clamped_to_100():
    points = [Point(date(2020, 1, 1), 90), Point(date(2021, 1, 1), 95), Point(date(2022, 1, 1), 100)]
    line = trend(points, until=date(2025, 1, 1), kind="percent")
    assert line.end.value == 100.0


def test_trend_uses_only_the_last_window_points():
    line = trend(thisted_points(), until=date(2023, 9, 1), window=2)
    # Only 2022 (19) and 2023 (37), 365 days apart.
    assert line.slope_per_year == pytest.approx(18 / 365 * 365.25)
    assert line.start == Point(date(2022, 9, 1), pytest.approx(19.0), 93)
    assert line.end.value == pytest.approx(37.0)


@pytest.mark.parametrize(
    "points",
    [
        [],
        [Point(date(2020, 1, 1), 1)],
        [Point(date(2020, 1, 1), 1), Point(date(2020, 1, 1), 2)],
    ],
)
def test_trend_none_without_two_distinct_dates(points):
    assert trend(points, date(2021, 1, 1)) is None


def test_trend_window_below_two_is_rejected():
    with pytest.raises(ValueError, match="window"):
        trend(thisted_points(), date(2024, 1, 1), window=1)


# --- rank percentile ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "out_of", "expected"),
    [
        (1, 93, 100.0),
        (93, 93, 0.0),
        (6, 93, 87 / 92 * 100),  # 94.57: Thisted 2019
        (92, 96, 4 / 95 * 100),  # 4.21: Thisted 2015
        (37, 92, 55 / 91 * 100),
        (1, 1, 100.0),
    ],
)
def test_rank_percentile(rank, out_of, expected):
    assert rank_percentile(rank, out_of) == pytest.approx(expected)


@pytest.mark.parametrize(("rank", "out_of"), [(0, 93), (94, 93), (1, 0)])
def test_rank_percentile_rejects_impossible_ranks(rank, out_of):
    with pytest.raises(ValueError):
        rank_percentile(rank, out_of)


# --- action plans ---------------------------------------------------------------------------------

TODAY = date(2024, 5, 10)


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        ("in_progress", date(2024, 5, 9), True),
        ("not_started", date(2024, 1, 1), True),
        ("delayed", date(2024, 5, 9), True),
        ("in_progress", TODAY, False),  # due today is not yet overdue
        ("in_progress", date(2024, 6, 1), False),
        ("done", date(2020, 1, 1), False),
        ("cancelled", date(2020, 1, 1), False),
        ("in_progress", None, False),
        ("delayed", None, False),
    ],
)
def test_is_overdue(status, due, expected):
    assert is_overdue(status, due, TODAY) is expected


# --- latest and summary ---------------------------------------------------------------------------


def test_latest():
    assert latest([]) is None
    assert latest(thisted().measurements) == Point(date(2023, 9, 1), 37, 92)


def test_summary_thisted():
    summary = kpi_summary(thisted(), date(2024, 6, 1))
    assert summary.latest == Point(date(2023, 9, 1), 37, 92)
    assert summary.baseline == Point(date(2015, 9, 1), 92, 96)
    assert summary.target == THISTED_TARGET  # past its date, still the one judged against
    assert summary.progress == pytest.approx(55 / 82 * 100)  # 67.07 %
    assert summary.expected == pytest.approx(10)
    assert summary.status == KPIStatus.OFF_TRACK
    assert summary.percentile == pytest.approx(55 / 91 * 100)


def test_summary_thisted_2019_is_complete():
    summary = kpi_summary(thisted(2019), date(2019, 10, 1))
    assert summary.progress == 100.0
    assert summary.status == KPIStatus.ON_TRACK
    assert summary.percentile == pytest.approx(87 / 92 * 100)


def test_summary_without_data():
    summary = kpi_summary(simple_kpi([]), date(2020, 7, 2))
    assert summary.latest is None
    assert summary.progress is None
    assert summary.expected == pytest.approx(50.0)
    assert summary.target.value == 100
    assert summary.status == KPIStatus.NO_DATA
    assert summary.percentile is None


def test_summary_target_is_the_next_current_target_today():
    kpi = KPIInput(
        "higher", "monthly", 0, date(2020, 1, 1), PIECEWISE.targets, [Point(date(2020, 1, 15), 60)]
    )
    summary = kpi_summary(kpi, date(2020, 1, 15))
    assert summary.target == Target(50, date(2020, 1, 21), date(2020, 1, 1))  # the 11 Jan target has passed
    assert summary.progress == 100.0  # 60 of the 50 planned
    assert summary.expected == pytest.approx(80.0)  # 4 of 10 days from 100 down to 50
    assert summary.status == KPIStatus.OFF_TRACK  # 20 below the 80 expected; band 0.10 × 50 = 5
