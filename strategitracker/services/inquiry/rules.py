"""What an inquiry may hold, and the 24-hour answer promise: the checks shared by the forms, the services and
the import.

Each check returns the message to show (or None) instead of raising. The time rules are pure: they take the
times and give hours, so the list, the desk and the tests read the promise the same way.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...models import InquiryChannel, InquiryOutcome

#: The promise to businesses: an answer within this many hours (clock hours, or working hours when a KPI
#: counts those). `within_limit` is the one place the promise is judged; the KPIs' SQL compares with
#: LIMIT_SECONDS the same way.
ANSWER_LIMIT = timedelta(hours=24)
LIMIT_SECONDS = int(ANSWER_LIMIT.total_seconds())
#: The working day when answer times are counted in working hours (INQUIRY_WORKING_DAY overrides it).
WORKING_DAY = (time(8, 0), time(16, 0))
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

CHANNELS = (
    ("phone", _l("Phone")),
    ("email", _l("E-mail")),
    ("meeting", _l("Meeting")),
    ("visit", _l("Company visit")),
    ("other", _l("Other")),
)
OUTCOMES = (
    ("answered", _l("Answered")),
    ("referred", _l("Referred")),
    ("alternative", _l("Solved with an alternative")),
    ("refused", _l("Refused with an explanation")),
)


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


def within_limit(seconds: float) -> bool:
    """The promise: an answer at exactly 24 hours still counts, one later does not."""
    return seconds <= LIMIT_SECONDS


def answered_in_time(
    received_at: datetime, first_answer_at: datetime | None, working_day: tuple[time, time] | None = None
) -> bool:
    """Whether the promise was kept, in clock hours or (with `working_day`) in working hours."""
    if first_answer_at is None:
        return False
    if working_day is not None:
        return within_limit(working_seconds(received_at, first_answer_at, working_day))
    return within_limit((as_utc(first_answer_at) - as_utc(received_at)).total_seconds())


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


# --- working hours ------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DK", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Danish public holiday (Kristi himmelfartsdag, 2. juledag, …)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_seconds(start: datetime, end: datetime, working_day: tuple[time, time] = WORKING_DAY) -> int:
    """Seconds of working time between two moments on the desk's clock: only the hours of the working day,
    on working days. Stored per inquiry when its first answer is saved, so the KPIs aggregate it in SQL."""
    begin, finish = as_utc(start).astimezone(LOCAL_TZ), as_utc(end).astimezone(LOCAL_TZ)
    total = 0.0
    day = begin.date()
    while day <= finish.date():
        if is_working_day(day):
            opens = datetime.combine(day, working_day[0], tzinfo=LOCAL_TZ)
            closes = _closing(day, working_day[1])
            overlap = (min(finish, closes) - max(begin, opens)).total_seconds()
            total += max(overlap, 0.0)
        day += timedelta(days=1)
    return round(total)


def _closing(day: date, end: time) -> datetime:
    """The end of the working day; 00:00 means midnight at the day's end (a working day of 24 hours)."""
    if end == time(0, 0):
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    return datetime.combine(day, end, tzinfo=LOCAL_TZ)


def parse_working_day(text: str | None) -> tuple[time, time]:
    """ "08:00-16:00" as (08:00, 16:00); "00:00-00:00" is the whole day. Falls back to WORKING_DAY."""
    try:
        first, _sep, second = (text or "").partition("-")
        start, end = time.fromisoformat(first.strip()), time.fromisoformat(second.strip())
    except ValueError:
        return WORKING_DAY
    if end != time(0, 0) and end <= start:
        return WORKING_DAY
    return start, end


def working_day() -> tuple[time, time]:
    """The desk's working day (INQUIRY_WORKING_DAY, e.g. "08:00-16:00") for answer times in working hours."""
    return parse_working_day(current_app.config.get("INQUIRY_WORKING_DAY"))


def working_limit_start(now: datetime, working_day: tuple[time, time] = WORKING_DAY) -> datetime:
    """The latest receipt time whose inquiry, unanswered at `now`, has used up its 24 working hours: an
    inquiry received at or before it is late. Found by walking back from `now` day by day."""
    now = as_utc(now).astimezone(LOCAL_TZ)
    left = float(LIMIT_SECONDS)
    day = now.date()
    for _step in range(3660):  # ten years back at most
        if is_working_day(day):
            opens = datetime.combine(day, working_day[0], tzinfo=LOCAL_TZ)
            closes = min(_closing(day, working_day[1]), now)
            available = (closes - opens).total_seconds()
            if available >= left:
                return (closes - timedelta(seconds=left)).astimezone(UTC)
            left -= max(available, 0.0)
        day -= timedelta(days=1)
    return datetime.min.replace(tzinfo=UTC)


# --- words of a file ----------------------------------------------------------------------------------------


def _word(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).casefold().replace("-", " ").split())


def _code_of(text: object, labelled: tuple) -> str | None:
    """The code that a code, or a label in Danish or English, names; None when none does."""
    wanted = _word(text)
    for code, _label in labelled:
        if wanted == _word(code):
            return code
    for language in ("da", "en"):
        with force_locale(language):
            for code, label in labelled:
                if wanted == _word(str(label)):
                    return code
    return None


def channel_code(text: object) -> str | None:
    """ "Telefon", "Phone" or "phone" → "phone"."""
    return _code_of(text, CHANNELS)


def outcome_code(text: object) -> str | None:
    """ "Løst med et alternativ", "Solved with an alternative" or "alternative" → "alternative"."""
    return _code_of(text, OUTCOMES)
