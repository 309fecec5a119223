"""How a status looks, in one table: its words, its symbol and its colour (a Bootstrap tone).

A status is never shown by colour alone: the badges on the pages put the symbol and the words beside the
colour. Python code (charts, reports, forms) and the templates (`kpi_status_look`, `plan_status_look`) read
the same rows. The words are lazy strings, translated in the locale of the moment they are shown.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Flask
from flask_babel import lazy_gettext as _l

from .models import Status
from .progress import KPIStatus


class StatusLook(NamedTuple):
    label: str
    symbol: str
    tone: str  # Bootstrap's text-bg-<tone>


KPI_STATUS: dict[str, StatusLook] = {
    KPIStatus.ON_TRACK: StatusLook(_l("On track"), "✔", "success"),
    KPIStatus.AT_RISK: StatusLook(_l("At risk"), "▲", "warning"),
    KPIStatus.OFF_TRACK: StatusLook(_l("Off track"), "✖", "danger"),
    KPIStatus.STALE: StatusLook(_l("Out of date"), "◷", "secondary"),
    KPIStatus.NO_TARGET: StatusLook(_l("No target"), "○", "light border"),
    KPIStatus.NO_DATA: StatusLook(_l("No data"), "–", "light border"),
}

#: In the order the forms offer them.
PLAN_STATUS: dict[str, StatusLook] = {
    Status.NOT_STARTED.value: StatusLook(_l("Not started"), "○", "light border"),
    Status.IN_PROGRESS.value: StatusLook(_l("In progress"), "▶", "info"),
    Status.DELAYED.value: StatusLook(_l("Delayed"), "⚠", "warning"),
    Status.DONE.value: StatusLook(_l("Done"), "✔", "success"),
    Status.CANCELLED.value: StatusLook(_l("Cancelled"), "⊘", "secondary"),
}


def kpi_status_look(status: str) -> StatusLook:
    """Anything that is not a known KPI status looks like "No data"."""
    return KPI_STATUS.get(status, KPI_STATUS[KPIStatus.NO_DATA])


def plan_status_look(status: str) -> StatusLook:
    """An unknown code is shown as it is, with a neutral symbol."""
    return PLAN_STATUS.get(status) or StatusLook(status, "•", "light border")


KPI_STATUS_LABELS = {status: look.label for status, look in KPI_STATUS.items()}
PLAN_STATUS_LABELS = {status: look.label for status, look in PLAN_STATUS.items()}


def kpi_status_label(status: str) -> str:
    """The status words the pages use; "No data" for anything else."""
    return str(kpi_status_look(status).label)


def plan_status_label(status: str) -> str:
    """An action plan's status in words; an unknown code is shown as it is."""
    return str(plan_status_look(status).label)


def register_status(app: Flask) -> None:
    app.jinja_env.globals.update(kpi_status_look=kpi_status_look, plan_status_look=plan_status_look)
