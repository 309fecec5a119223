"""KPIs (nøgletal): their definition (definitions.py), their dated targets and measurements (values.py) and
the checks on their values that forms, services and imports share (rules.py)."""

from .definitions import KPIData, archive_kpi, create_kpi, restore_kpi, update_kpi
from .rules import (
    baseline_changed,
    direction_problem,
    duplicate_period_message,
    future_period_problem,
    out_of_problem,
    period_conflict,
    period_key,
    reason_problem,
    target_date_problem,
    value_problem,
)
from .values import add_measurement, add_target, correct_measurement, delete_measurement, delete_target

__all__ = [
    "KPIData",
    "add_measurement",
    "add_target",
    "archive_kpi",
    "baseline_changed",
    "correct_measurement",
    "create_kpi",
    "delete_measurement",
    "delete_target",
    "direction_problem",
    "duplicate_period_message",
    "future_period_problem",
    "out_of_problem",
    "period_conflict",
    "period_key",
    "reason_problem",
    "restore_kpi",
    "target_date_problem",
    "update_kpi",
    "value_problem",
]
