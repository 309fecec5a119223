"""The audit trail: `record` writes an event with the change it describes (events.py); log.py reads one
organisation's events for the audit page, and the site-wide events of national data for superusers."""

from .events import jsonable, record
from .log import NATIONAL_PREFIX, AuditFilter, diff, events_page, filter_choices, national_events_page

__all__ = [
    "NATIONAL_PREFIX",
    "AuditFilter",
    "diff",
    "events_page",
    "filter_choices",
    "jsonable",
    "national_events_page",
    "record",
]
