"""What an inquiry may hold, and the 24-hour answer promise: the checks shared by the forms, the services and
the import.

Each check returns the message to show (or None) instead of raising. The time rules are pure: they take the
times and give hours, so the list, the desk and the tests read the promise the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ...models import InquiryChannel, InquiryOutcome

#: The promise to businesses: an answer within this many hours.
ANSWER_LIMIT = timedelta(hours=24)
#: From this age an open inquiry is flagged on the desk: little time is left.
WARN_AFTER = timedelta(hours=20)
#: The time zone the desk works in: forms are read and times shown in it.
LOCAL_TZ = ZoneInfo("Europe/Copenhagen")

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
COMPANY_MAX = 200
TOPIC_MAX = 300
CONTACT_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
NOTES_MAX = 4000


def clean_cvr(text: str | None) -> str:
    """A CVR number as typed ("12 34 56 78", "DK12345678") without spaces and country prefix."""
    cleaned = "".join((text or "").split())
    return cleaned[2:] if cleaned.upper().startswith("DK") else cleaned


def cvr_problem(text: str | None) -> str | None:
    """Why `text` is not a CVR number (8 digits whose weighted sum is divisible by 11), or None.

    An empty CVR number is allowed: not every caller knows it.
    """
    cvr = clean_cvr(text)
    if not cvr:
        return None
    if len(cvr) != 8 or not cvr.isascii() or not cvr.isdigit():
        return _("A CVR number has 8 digits.")
    if sum(int(digit) * weight for digit, weight in zip(cvr, CVR_WEIGHTS, strict=True)) % 11:
        return _("%(cvr)s is not a valid CVR number: check the digits.", cvr=cvr)
    return None


def company_problem(name: str | None) -> str | None:
    if not (name or "").strip():
        return _("Enter the name of the business.")
    if len(name.strip()) > COMPANY_MAX:
        return _("At most %(max)d characters.", max=COMPANY_MAX)
    return None


def channel_problem(channel: str | None) -> str | None:
    if channel not in tuple(InquiryChannel):
        return _("Choose how the inquiry came in.")
    return None


def outcome_problem(outcome: str | None, closed_at: datetime | None) -> str | None:
    """An outcome is one of the known ones, and a closed inquiry says how it ended."""
    if outcome and outcome not in tuple(InquiryOutcome):
        return _("Choose an outcome.")
    if closed_at is not None and not outcome:
        return _("Choose how the inquiry ended before closing it.")
    return None


def times_problem(
    received_at: datetime, first_answer_at: datetime | None, closed_at: datetime | None, now: datetime
) -> tuple[str, str] | None:
    """(field, message) when the times contradict each other or lie in the future, else None."""
    received_at = as_utc(received_at)
    if received_at > now + timedelta(minutes=5):
        return "received_at", _("The time received cannot be in the future.")
    for field, moment in (("first_answer_at", first_answer_at), ("closed_at", closed_at)):
        if moment is None:
            continue
        moment = as_utc(moment)
        if moment < received_at:
            return field, _("This time cannot be before the inquiry was received.")
        if moment > now + timedelta(minutes=5):
            return field, _("This time cannot be in the future.")
    return None


def as_utc(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite gives times back without one, and they are stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hours_to_answer(received_at: datetime, first_answer_at: datetime) -> float:
    """Clock hours from receipt to the first answer."""
    return (as_utc(first_answer_at) - as_utc(received_at)).total_seconds() / 3600


def answered_in_time(received_at: datetime, first_answer_at: datetime | None) -> bool:
    """Whether the promise was kept: an answer at exactly 24 hours still counts."""
    return first_answer_at is not None and as_utc(first_answer_at) - as_utc(received_at) <= ANSWER_LIMIT


def time_left(received_at: datetime, now: datetime) -> timedelta:
    """How long an open inquiry has left before the promise is broken (negative: it is late)."""
    return as_utc(received_at) + ANSWER_LIMIT - now


def is_late(received_at: datetime, first_answer_at: datetime | None, now: datetime) -> bool:
    """Answered after the limit, or still unanswered past it."""
    if first_answer_at is not None:
        return not answered_in_time(received_at, first_answer_at)
    return time_left(received_at, now) < timedelta(0)


def is_urgent(received_at: datetime, now: datetime) -> bool:
    """An unanswered inquiry older than WARN_AFTER: the desk shows it first and marks it."""
    return now - as_utc(received_at) > WARN_AFTER


def unknown_department_message() -> str:
    return _("Choose departments of this organisation.")


def unknown_handler_message() -> str:
    return _("The handler must be a member of this organisation.")


def already_answered_message() -> str:
    return _("The inquiry has already been answered.")
