"""Chasing updates: update rounds (rounds.py), what each owner owes (owed.py), the e-mails (compose.py),
sending them once under a database lock (delivery.py), a day's work (daily.py), each user's setting
(preferences.py, links.py) and what was sent (log.py)."""

from .daily import RunReport, plan_day, run_day, send_round_emails
from .links import settings_token, settings_url, user_id_from_token
from .log import LogPage, sending_log, sent_to
from .owed import DueItem, ItemKind, owed_items
from .preferences import digest_period, frequency_of, set_frequency
from .rounds import (
    ANSWERED,
    LATE,
    WAITING,
    RoundStatus,
    close_round,
    open_round,
    open_round_of,
    round_problems,
    round_status,
    rounds_of,
)

__all__ = [
    "ANSWERED",
    "DueItem",
    "ItemKind",
    "LATE",
    "LogPage",
    "RoundStatus",
    "RunReport",
    "WAITING",
    "close_round",
    "digest_period",
    "frequency_of",
    "open_round",
    "open_round_of",
    "owed_items",
    "plan_day",
    "round_problems",
    "round_status",
    "rounds_of",
    "run_day",
    "send_round_emails",
    "sending_log",
    "sent_to",
    "set_frequency",
    "settings_token",
    "settings_url",
    "user_id_from_token",
]
