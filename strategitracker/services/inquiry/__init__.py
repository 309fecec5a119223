"""The business inquiry log: logging, answering, the list and desk, anonymising contact persons (log.py);
the checks and the 24-hour rule (rules.py); the contact map that routes inquiries (contact_map.py); the
outreach meetings (meetings.py)."""

from . import contact_map, meetings
from .export import export_file
from .log import (
    InquiryData,
    LogFilter,
    anonymise,
    anonymise_expired,
    answer_now,
    desk,
    handlers,
    inquiries,
    log_inquiry,
    org_departments,
    update_inquiry,
)
from .rules import (
    ANSWER_LIMIT,
    LOCAL_TZ,
    answered_in_time,
    as_utc,
    clean_cvr,
    cvr_problem,
    hours_to_answer,
    is_late,
    is_urgent,
    time_left,
)

__all__ = [
    "ANSWER_LIMIT",
    "LOCAL_TZ",
    "InquiryData",
    "LogFilter",
    "anonymise",
    "anonymise_expired",
    "answer_now",
    "answered_in_time",
    "as_utc",
    "clean_cvr",
    "contact_map",
    "cvr_problem",
    "desk",
    "export_file",
    "handlers",
    "hours_to_answer",
    "inquiries",
    "is_late",
    "is_urgent",
    "log_inquiry",
    "meetings",
    "org_departments",
    "time_left",
    "update_inquiry",
]
