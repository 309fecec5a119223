"""`kpi_table` gives the rows of the data table a page shows beside the KPI chart."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ... import progress
from ...progress import KPIInput, Point, Target
from .common import merged_labels
from .kpi_format import KPIFormatter


def kpi_table(
    kpi: KPIInput,
    labels: Mapping[str, str],
    locale: str = "da",
    *,
    unit: str = "",
    source: str = "",
    sources: Mapping[date, str] | None = None,
    notes: Mapping[date, str] | None = None,
    formatter: KPIFormatter | None = None,
) -> list[dict[str, Any]]:
    """The rows of the data table beside a KPI chart: the baseline first, then the measurements by period.

    Each row: period (ISO), period_label, kind ("baseline"/"measurement"), kind_label, value (formatted,
    "nr. 6 af 93" for ranks), number (the formatted number alone), raw (the float), n (formatted N or ""),
    target (the current target in force on that period, "10 by 1 Sep 2019", or ""), expected (formatted
    expected value or ""), note and source (plain text; the template escapes it). `formatter`: as for
    `kpi_figure`.
    """
    lab = merged_labels(labels)
    fmt = formatter or KPIFormatter(kpi, unit, lab, locale)
    rows: list[tuple[str, Point]] = []
    if kpi.baseline_value is not None and kpi.baseline_date is not None:
        rows.append(("baseline", Point(kpi.baseline_date, kpi.baseline_value, kpi.baseline_out_of)))
    rows += [("measurement", p) for p in sorted(kpi.measurements, key=lambda p: p.period)]
    periods = [point.period for _kind, point in rows]
    targets = _next_targets(progress.current_targets(kpi.targets), periods)
    expected_values = _expected_values(kpi, periods)
    notes = notes or {}
    sources = sources or {}
    kind_labels = {kind: lab[kind] for kind in ("baseline", "measurement")}
    out = []
    for (kind, point), target, expected in zip(rows, targets, expected_values, strict=True):
        out.append(
            {
                "period": point.period.isoformat(),
                "period_label": fmt.date(point.period),
                "kind": kind,
                "kind_label": kind_labels[kind],
                "value": fmt.value(point.value, point.out_of),
                "number": fmt.number(point.value),
                "raw": point.value,
                "n": fmt.integer(point.out_of) if point.out_of is not None else "",
                "target": fmt.target(target) if target is not None else "",
                "expected": fmt.value(expected) if expected is not None else "",
                "note": notes.get(point.period, ""),
                "source": sources.get(point.period) or source,
            }
        )
    return out


def _next_targets(current: Sequence[Target], days: Sequence[date]) -> list[Target | None]:
    """`progress.next_target(current, day)` for each of `days`; `current` as `progress.current_targets`
    gives them (one per date, by date), so each is a binary search."""
    if not current:
        return [None] * len(days)
    dates = [t.target_date for t in current]
    last = len(current) - 1
    return [current[min(bisect_left(dates, day), last)] for day in days]


def _expected_values(kpi: KPIInput, days: Sequence[date]) -> list[float | None]:
    """`progress.expected_value(kpi, day)` for each of `days`, with the knots of the line worked out once.

    The same straight lines and the same arithmetic, so the same floats (tests/test_charts.py compares).
    """
    if kpi.baseline_value is None or kpi.baseline_date is None:
        return [None] * len(days)
    targets = [t for t in progress.current_targets(kpi.targets) if t.target_date > kpi.baseline_date]
    if not targets:
        return [None] * len(days)
    knots = [(kpi.baseline_date, float(kpi.baseline_value))] + [(t.target_date, t.value) for t in targets]
    dates = [d for d, _v in knots]
    out: list[float | None] = []
    for day in days:
        i = bisect_left(dates, day)  # the first knot on or after `day`
        if i == 0:
            out.append(knots[0][1])
        elif i == len(knots):
            out.append(knots[-1][1])
        else:
            (d0, v0), (d1, v1) = knots[i - 1], knots[i]
            out.append(v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days)
    return out
