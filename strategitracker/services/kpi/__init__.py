"""KPIs (nøgletal): their definition (definitions.py), their dated targets and measurements (values.py) and
the checks on their values that forms, services and imports share (rules.py)."""

from .definitions import KPIData, archive_kpi, create_kpi, restore_kpi, update_kpi
from .rules import (
    MAX_ABS_VALUE,
    MAX_OUT_OF,
    direction_problem,
    duplicate_period_message,
    out_of_problem,
    period_conflict,
    period_key,
    target_date_problem,
    value_problem,
)
from .values import add_measurement, add_target, correct_measurement

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_OUT_OF",
    "KPIData",
    "add_measurement",
    "add_target",
    "archive_kpi",
    "correct_measurement",
    "create_kpi",
    "direction_problem",
    "duplicate_period_message",
    "out_of_problem",
    "period_conflict",
    "period_key",
    "restore_kpi",
    "target_date_problem",
    "update_kpi",
    "value_problem",
]
