"""KPIs (nøgletal): their definition (definitions.py), their dated targets and measurements (values.py) and
the checks on their values that forms, services and imports share (rules.py)."""

from .definitions import KPIData, create_kpi, update_kpi
from .rules import (
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
    "KPIData",
    "add_measurement",
    "add_target",
    "correct_measurement",
    "create_kpi",
    "direction_problem",
    "duplicate_period_message",
    "out_of_problem",
    "period_conflict",
    "period_key",
    "target_date_problem",
    "update_kpi",
    "value_problem",
]
