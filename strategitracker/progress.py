"""Pure KPI computations: progress, expected value, status and trend projection.

No database, no Flask: every function takes plain values so the rules can be unit-tested and reused by pages,
charts, reports and exports alike. The chosen rules are documented in docs/progress.md.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

HIGHER = "higher"
LOWER = "lower"
RANK = "rank"
PERCENT = "percent"

#: A measurement stays fresh for two reporting periods after its period date: one missing period is normal
#: (figures are published after the period ends, a yearly survey often months after year end); a second
#: missing period means nobody is updating the KPI.
GRACE_MONTHS: dict[str, int] = {"monthly": 2, "quarterly": 6, "yearly": 24}

#: Days per year used to turn a slope per day into a slope per year (leap years included on average).
DAYS_PER_YEAR = 365.25

_CLOSED_STATUSES = frozenset({"done", "cancelled"})


class Point(NamedTuple):
    """One measured (or baseline) value; `out_of` is how many were ranked, for rank KPIs. A named tuple:
    a strategy's pages build thousands of them per view, at half the cost of a frozen dataclass."""

    period: date
    value: float
    out_of: int | None = None


@dataclass(frozen=True)
class Target:
    """A dated target; a newer `set_on` for the same `target_date` supersedes the older rows."""

    value: float
    target_date: date
    set_on: date


class KPIStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    STALE = "stale"
    # Measurements exist but there is no baseline or no target to judge them against.
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class KPIInput:
    """Everything the rules need about one KPI; sequences may come in any order."""

    direction: str
    frequency: str
    baseline_value: float | None
    baseline_date: date | None
    targets: Sequence[Target]
    measurements: Sequence[Point]
    kind: str = "number"
    baseline_out_of: int | None = None


@dataclass(frozen=True)
class TrendLine:
    """A fitted straight line from `start` to the projected `end`.

    `min_value`/`max_value` bound projections (rank 1..N, percent 0..100) so a projection never shows an
    impossible value; `slope_per_year` and `fitted_start` describe the unbounded fitted line.
    """

    slope_per_year: float
    start: Point
    end: Point
    min_value: float | None = None
    max_value: float | None = None
    fitted_start: float | None = None  # the unclamped fitted value at start.period


@dataclass(frozen=True)
class KPISummary:
    """What a page shows for one KPI on a given day."""

    latest: Point | None
    baseline: Point | None
    target: Target | None
    progress: float | None
    expected: float | None
    status: KPIStatus
    percentile: float | None = None


def _check_direction(direction: str) -> None:
    if direction not in (HIGHER, LOWER):
        raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}, not {direction!r}")


def _at_or_better(value: float, reference: float, direction: str) -> bool:
    """Whether `value` is as good as `reference` or better, in the KPI's direction."""
    _check_direction(direction)
    return value >= reference if direction == HIGHER else value <= reference


def _shortfall(value: float, reference: float, direction: str) -> float:
    """How far `value` is worse than `reference` (negative when it is better)."""
    _check_direction(direction)
    return reference - value if direction == HIGHER else value - reference


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def current_targets(targets: Sequence[Target]) -> list[Target]:
    """One target per date, the newest `set_on` winning (ties: the later row), sorted by date.

    Changing a target adds a row; the older rows for the same date are history, not targets.
    """
    by_date: dict[date, Target] = {}
    for target in targets:
        held = by_date.get(target.target_date)
        if held is None or target.set_on >= held.set_on:
            by_date[target.target_date] = target
    return [by_date[day] for day in sorted(by_date)]


def next_target(targets: Sequence[Target], on: date) -> Target | None:
    """The current target with the earliest date on or after `on`, else the last one.

    After the final target date, measurements are still judged against the final target.
    """
    current = current_targets(targets)
    for target in current:
        if target.target_date >= on:
            return target
    return current[-1] if current else None


def progress(
    baseline: float | None, latest: float | None, target: float | None, direction: str
) -> float | None:
    """Share of the planned change achieved, in percent, clamped to 0–100.

    When the target is no improvement on the baseline (equal, or a tolerated decline) there is no change to
    measure a share of, so it is met (100) or not (0).
    """
    if baseline is None or latest is None or target is None:
        return None
    if _shortfall(target, baseline, direction) >= 0:  # the target is no improvement on the baseline
        return 100.0 if _at_or_better(latest, target, direction) else 0.0
    share = (latest - baseline) / (target - baseline) * 100.0
    return min(100.0, max(0.0, share))


def _line_targets(kpi: KPIInput) -> list[Target]:
    """Current targets dated after the baseline: the ones a line from the baseline can run to."""
    if kpi.baseline_value is None or kpi.baseline_date is None:
        return []
    return [t for t in current_targets(kpi.targets) if t.target_date > kpi.baseline_date]


def expected_value(kpi: KPIInput, on: date) -> float | None:
    """Where the KPI should be on `on`: piecewise straight lines through the baseline and current targets.

    Before the baseline date it is the baseline; after the last target, the last target value. None without a
    baseline or without a target dated after the baseline.
    """
    targets = _line_targets(kpi)
    if not targets or kpi.baseline_value is None or kpi.baseline_date is None:
        return None
    knots = [(kpi.baseline_date, float(kpi.baseline_value))] + [(t.target_date, t.value) for t in targets]
    if on <= knots[0][0]:
        return knots[0][1]
    for (d0, v0), (d1, v1) in zip(knots, knots[1:], strict=False):
        if on <= d1:
            return v0 + (v1 - v0) * (on - d0).days / (d1 - d0).days
    return knots[-1][1]


def latest(measurements: Sequence[Point]) -> Point | None:
    """The measurement with the latest period, or None."""
    return max(measurements, key=lambda p: p.period, default=None)


@dataclass(frozen=True)
class YearSummary:
    """A KPI's year in one line: the year's last measurement and how many the year has."""

    year: int
    last: Point
    count: int


def yearly(measurements: Sequence[Point]) -> list[YearSummary]:
    """One summary per calendar year, oldest first. A KPI's value is a level (a rank, a share, a count at
    the time), and its status is read from the latest value, so a year is summed up by its last value, not
    by an average or a total."""
    years: dict[int, list[Point]] = {}
    for point in sorted(measurements, key=lambda p: p.period):
        years.setdefault(point.period.year, []).append(point)
    return [YearSummary(year, points[-1], len(points)) for year, points in years.items()]


def fresh_until(period: date, frequency: str) -> date:
    """The last day a measurement for `period` counts as current (see GRACE_MONTHS)."""
    try:
        months = GRACE_MONTHS[frequency]
    except KeyError:
        raise ValueError(f"frequency must be one of {sorted(GRACE_MONTHS)}, not {frequency!r}") from None
    return add_months(period, months)


def kpi_status(kpi: KPIInput, today: date, tolerance: float = 0.10) -> KPIStatus:
    """Judge the latest measurement against the expected value at its period.

    Order: no data, stale, no target, then on track / at risk / off track. At risk means worse than expected
    by at most `tolerance` × the planned change |target − baseline| (target = the one the line runs to at the
    latest period); a hold-the-level target (target = baseline) therefore has no at-risk band.
    """
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    _check_direction(kpi.direction)
    last = latest(kpi.measurements)
    if last is None:
        return KPIStatus.NO_DATA
    if today > fresh_until(last.period, kpi.frequency):
        return KPIStatus.STALE
    expected = expected_value(kpi, last.period)
    target = next_target(_line_targets(kpi), last.period)
    if expected is None or target is None or kpi.baseline_value is None:
        return KPIStatus.NO_TARGET
    gap = _shortfall(last.value, expected, kpi.direction)
    band = tolerance * abs(target.value - kpi.baseline_value)
    if gap <= 0 or math.isclose(gap, 0.0, abs_tol=1e-9):
        return KPIStatus.ON_TRACK
    if gap <= band or math.isclose(gap, band, rel_tol=1e-9):
        return KPIStatus.AT_RISK
    return KPIStatus.OFF_TRACK


def _bounds(kind: str, last: Point) -> tuple[float | None, float | None]:
    """The values a projection may take: ranks 1..N (N of the latest point), percentages 0..100."""
    if kind == RANK:
        return 1.0, (float(last.out_of) if last.out_of is not None else None)
    if kind == PERCENT:
        return 0.0, 100.0
    return None, None


def _clamp(value: float, low: float | None, high: float | None) -> float:
    if low is not None:
        value = max(low, value)
    if high is not None:
        value = min(high, value)
    return value


def trend(
    measurements: Sequence[Point], until: date, window: int = 5, *, kind: str = "number"
) -> TrendLine | None:
    """Least-squares line through the last `window` measurements (x in days), projected to `until`.

    None with fewer than two points or when all share one date. For rank and percent KPIs the drawn values
    are clamped to the possible range (rank 1..N of the latest point, 0..100 %).
    """
    if window < 2:
        raise ValueError("window must be at least 2")
    points = sorted(measurements, key=lambda p: p.period)[-window:]
    if len(points) < 2:
        return None
    origin = points[0].period
    xs = [float((p.period - origin).days) for p in points]
    ys = [float(p.value) for p in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x  # value at `origin`
    low, high = _bounds(kind, points[-1])
    end_value = intercept + slope * (until - origin).days
    return TrendLine(
        slope_per_year=slope * DAYS_PER_YEAR,
        start=Point(origin, _clamp(intercept, low, high), points[0].out_of),
        end=Point(until, _clamp(end_value, low, high), points[-1].out_of),
        min_value=low,
        max_value=high,
        fitted_start=intercept,
    )


def projected_value(trend_line: TrendLine, on: date) -> float:
    """The trend line's value on `on`, within the line's bounds."""
    origin = trend_line.start.period
    fitted = trend_line.start.value if trend_line.fitted_start is None else trend_line.fitted_start
    value = fitted + trend_line.slope_per_year / DAYS_PER_YEAR * (on - origin).days
    return _clamp(value, trend_line.min_value, trend_line.max_value)


def rank_percentile(rank: float, out_of: int) -> float:
    """Share of the other ranked municipalities placed behind this one, in percent (rank 1 = 100, last = 0).

    For display only: progress and status use the rank numbers, since targets such as "top 10" are ranks.
    """
    if out_of < 1 or not 1 <= rank <= out_of:
        raise ValueError(f"rank must be within 1..{out_of}, not {rank}")
    if out_of == 1:
        return 100.0
    return (out_of - rank) / (out_of - 1) * 100.0


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    """An action plan is overdue once its due date has passed while it is still open (not done/cancelled)."""
    return due_date is not None and today > due_date and status not in _CLOSED_STATUSES


def kpi_summary(kpi: KPIInput, today: date) -> KPISummary:
    """Bundle what a KPI page shows: latest value, baseline, current target, progress, expected, status."""
    last = latest(kpi.measurements)
    target = next_target(kpi.targets, today)
    baseline = (
        Point(kpi.baseline_date, kpi.baseline_value, kpi.baseline_out_of)
        if kpi.baseline_value is not None and kpi.baseline_date is not None
        else None
    )
    percentile = (
        rank_percentile(last.value, last.out_of)
        if kpi.kind == RANK and last is not None and last.out_of is not None
        else None
    )
    return KPISummary(
        latest=last,
        baseline=baseline,
        target=target,
        progress=progress(
            kpi.baseline_value,
            last.value if last else None,
            target.value if target else None,
            kpi.direction,
        ),
        expected=expected_value(kpi, today),
        status=kpi_status(kpi, today),
        percentile=percentile,
    )
