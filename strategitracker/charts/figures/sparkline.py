"""Small pictures of a series: a sparkline's points, and a series thinned to one point a year.

A summary page shows a KPI's direction at a glance, not its every month: `yearly` keeps each year's last
point (and the latest point), and `sparkline_points` draws a series as the `points` of an SVG polyline, so
the page needs no script to show it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...progress import Point

#: A sparkline's size in SVG user units (the template's viewBox).
SPARK_WIDTH = 120
SPARK_HEIGHT = 28
_PAD = 2


def yearly(points: Sequence[Point]) -> list[Point]:
    """Each year's last point, in period order (the latest point is the last year's last point)."""
    last: dict[int, Point] = {}
    for point in sorted(points, key=lambda p: p.period):
        last[point.period.year] = point
    return list(last.values())


def sparkline_points(values: Sequence[float], *, invert: bool = False) -> str:
    """`values` spread evenly over the width, scaled to the height (higher is up; `invert` for ranks, where
    1 is best); one value draws a flat line. Empty for no values."""
    if not values:
        return ""
    if len(values) == 1:
        values = [values[0], values[0]]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * _PAD) / (len(values) - 1)
    usable = SPARK_HEIGHT - 2 * _PAD
    coords = []
    for i, value in enumerate(values):
        share = (value - low) / span if high != low else 0.5
        y = _PAD + (share if invert else 1 - share) * usable
        coords.append(f"{_PAD + i * step:.1f},{y:.1f}")
    return " ".join(coords)
