"""Organisation-wide lists: action plans (plans.py) and KPIs (kpis.py) with filters, status counts and
pages, each read in a fixed number of SQL statements whatever the number of rows."""

from .kpis import KPI_STATUS_FILTERS, KPIFilter, KPIListPage, KPIRow, kpi_list
from .plans import (
    PAGE_SIZE,
    PLAN_SORTS,
    PLAN_STATUS_FILTERS,
    STALE_DAYS,
    PlanFilter,
    PlanPage,
    PlanRow,
    plan_list,
    plan_sheet,
)

__all__ = [
    "KPIFilter",
    "KPIListPage",
    "KPIRow",
    "KPI_STATUS_FILTERS",
    "PAGE_SIZE",
    "PLAN_SORTS",
    "PLAN_STATUS_FILTERS",
    "PlanFilter",
    "PlanPage",
    "PlanRow",
    "STALE_DAYS",
    "kpi_list",
    "plan_list",
    "plan_sheet",
]
