"""KPIs (nøgletal): their definition (definitions.py), their dated targets and measurements (values.py) and
the checks on their values that forms, services and imports share (rules.py); a KPI's series of values, its
own measurements or the national survey ranks (series.py)."""

from .definitions import KPIData, create_kpi, update_kpi
from .derived import derived_definition_problem
from .rules import (
    MAX_ABS_VALUE,
    MAX_OUT_OF,
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
from .series import MeasurementRow, is_linked, kpi_rows, national_source_problem, series_rows
from .values import add_measurement, add_target, correct_measurement, delete_measurement, delete_target

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_OUT_OF",
    "KPIData",
    "MeasurementRow",
    "add_measurement",
    "add_target",
    "baseline_changed",
    "correct_measurement",
    "create_kpi",
    "delete_measurement",
    "delete_target",
    "direction_problem",
    "duplicate_period_message",
    "future_period_problem",
    "is_linked",
    "kpi_rows",
    "national_source_problem",
    "derived_definition_problem",
    "out_of_problem",
    "period_conflict",
    "period_key",
    "reason_problem",
    "series_rows",
    "target_date_problem",
    "update_kpi",
    "value_problem",
]
