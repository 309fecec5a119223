"""The words for KPI and action-plan statuses that Python code shows, from the one table in status.py
(which the templates' badges read too).

The labels are lazy strings: they are translated when shown, in the locale of that moment.
"""

from __future__ import annotations

from .status import KPI_STATUS, PLAN_STATUS, kpi_status_look, plan_status_look

KPI_STATUS_LABELS = {status: look.label for status, look in KPI_STATUS.items()}

#: In the order the forms offer them.
PLAN_STATUS_LABELS = {status: look.label for status, look in PLAN_STATUS.items()}


def kpi_status_label(status: str) -> str:
    """The status words the pages use; "No data" for anything else."""
    return str(kpi_status_look(status).label)


def plan_status_label(status: str) -> str:
    """An action plan's status in words; an unknown code is shown as it is."""
    return str(plan_status_look(status).label)
