"""The words for KPI and action-plan statuses that Python code shows (templates use the macros in
templates/workspace/_overview_macros.html, with the same words).

The labels are lazy strings: they are translated when shown, in the locale of that moment.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Status
from .progress import KPIStatus

KPI_STATUS_LABELS = {
    KPIStatus.ON_TRACK: _l("On track"),
    KPIStatus.AT_RISK: _l("At risk"),
    KPIStatus.OFF_TRACK: _l("Off track"),
    KPIStatus.STALE: _l("Out of date"),
    KPIStatus.NO_TARGET: _l("No target"),
    KPIStatus.NO_DATA: _l("No data"),
}

#: In the order the forms offer them.
PLAN_STATUS_LABELS = {
    Status.NOT_STARTED.value: _l("Not started"),
    Status.IN_PROGRESS.value: _l("In progress"),
    Status.DELAYED.value: _l("Delayed"),
    Status.DONE.value: _l("Done"),
    Status.CANCELLED.value: _l("Cancelled"),
}


def kpi_status_label(status: str) -> str:
    """The status words the pages use (the badges in _overview_macros.html); "No data" for anything else."""
    return str(KPI_STATUS_LABELS.get(status, KPI_STATUS_LABELS[KPIStatus.NO_DATA]))


def plan_status_label(status: str) -> str:
    """An action plan's status in words; an unknown code is shown as it is."""
    label = PLAN_STATUS_LABELS.get(status)
    return str(label) if label is not None else status
