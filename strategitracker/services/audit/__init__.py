"""The audit trail: `record` writes an event with the change it describes (events.py); log.py reads one
organisation's events for the audit page."""

from .events import jsonable, record
from .log import AuditFilter, diff, events_page, filter_choices

__all__ = ["AuditFilter", "diff", "events_page", "filter_choices", "jsonable", "record"]
