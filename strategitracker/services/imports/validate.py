"""Cell parsing shared by the import kinds: numbers, whole numbers, dates and periods, text; and problems.

Every parser takes the cell as read (text, or a number from a typed Excel cell) and returns the parsed
value, or ``None`` when the cell is not what was expected; the caller turns that into a `Problem` with
the row, column, the value found and what was expected.

Numbers are read by `strategitracker.formatting` (decimal comma or point, thousands dots, commas or spaces,
"95 %", a unicode minus). Only "1.234" / "1,234" (one separator followed by exactly three digits) is
ambiguous; the file's number style decides (`detect_style`): a Danish file means 1234.

Dates: "2019-09-01", "01-09-2019", "1/9/2019", "01.09.2019" (day first), "1. september 2019",
"1 sep. 2019", "September 1, 2019", "sep 2019", "september 2019", "2019-09", "09-2019", quarters
("K3 2019", "2019 Q3", "3. kvartal 2019") and years ("2019"). `parse_date` returns the first day of
what was given and its precision ("day", "month", "quarter", "year").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import NamedTuple

from flask_babel import gettext as _

from ...formatting import DANISH, ENGLISH, read_number

Cell = str | int | float

DAY, MONTH, QUARTER, YEAR = "day", "month", "quarter", "year"
PRECISION_ORDER = {DAY: 0, MONTH: 1, QUARTER: 2, YEAR: 3}

MAX_TEXT = 5000  # characters in a note/source cell


class Problem(NamedTuple):
    """One thing wrong with the file: where (row and column as Excel shows them), what, and why."""

    row: int | None
    column: str | None
    value: str | None
    message: str

    def describe(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("Row %(row)s", row=self.row))
        if self.column:
            parts.append(_("column %(column)s", column=self.column))
        where = ", ".join(parts)
        found = _("found “%(value)s”", value=shorten(self.value)) if self.value not in (None, "") else ""
        head = ": ".join(p for p in (where, found) if p) if where else found
        return f"{head}: {self.message}" if head else self.message


def shorten(value: object, limit: int = 60) -> str:
    text = display(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display(value: object) -> str:
    """A cell as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def column_letter(index: int) -> str:
    """0 -> "A", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_label(index: int, header: str) -> str:
    return f"{column_letter(index)} “{header}”" if header else column_letter(index)


# --- numbers ---------------------------------------------------------------------------------------------

COMMA, POINT = "comma", "point"
#: The language whose way of writing numbers each file style is: a decimal comma is Danish.
STYLE_LOCALE = {COMMA: DANISH, POINT: ENGLISH}
_SPACES = re.compile(r"[ \u00a0\u202f]")
_COMMA_EVIDENCE = re.compile(r"^[+-]?\d+,(?:\d{1,2}|\d{4,})$|\.\d{3},\d")
_POINT_EVIDENCE = re.compile(r"^[+-]?\d+\.(?:\d{1,2}|\d{4,})$|,\d{3}\.\d")


def detect_style(values: Iterable[Cell], default: str) -> str:
    """COMMA or POINT: what the file's unambiguous numbers use for decimals, else `default`."""
    comma = point = False
    seen = 0
    for value in values:
        if not isinstance(value, str) or ("," not in value and "." not in value):
            continue
        seen += 1
        if seen > 20_000 and (comma or point):
            break  # enough evidence: the rest of a file follows its first rows
        s = _SPACES.sub("", value.strip().removesuffix("%").rstrip())
        comma = comma or bool(_COMMA_EVIDENCE.search(s))
        point = point or bool(_POINT_EVIDENCE.search(s))
        if comma and point:
            break
    if comma != point:
        return COMMA if comma else POINT
    return default


def cell_number(value: Cell, style: str = COMMA) -> float | None:
    """The number in the cell, or None (also for infinities and NaN).

    Text is read by `formatting.read_number` in the file's style; only "1.234" / "1,234" (one separator
    followed by exactly three digits) reads differently in the two, so a text the file's style cannot read
    ("12.5" in a Danish file) is read the other way.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        first = STYLE_LOCALE[style]
        number = read_number(value, first)
        if number is None:
            number = read_number(value, ENGLISH if first == DANISH else DANISH)
    return number if number is not None and math.isfinite(number) else None


def cell_whole_number(value: Cell, style: str = COMMA) -> int | None:
    number = cell_number(value, style)
    if number is None or not number.is_integer() or abs(number) > 2**31 - 1:
        return None
    return int(number)


# --- dates -----------------------------------------------------------------------------------------------

MONTHS = {
    "januar": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "marts": 3, "march": 3, "mar": 3, "mrt": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_YM = re.compile(r"(\d{4})[-/](\d{1,2})")
_MY = re.compile(r"(\d{1,2})[-/.](\d{4})")
_YEAR = re.compile(r"(\d{4})")
_TEXT_DMY = re.compile(r"(?:(\d{1,2}) )?([a-zæøå]+) (\d{4})")
_TEXT_MDY = re.compile(r"([a-zæøå]+) (\d{1,2}) (\d{4})")
_QUARTER = (
    re.compile(r"[kq]([1-4]) ?(\d{4})"),
    re.compile(r"(\d{4}) ?[kq]([1-4])"),
    re.compile(r"([1-4]) ?(?:\.|st|nd|rd|th)? ?(?:kvartal|kvt|quarter) (\d{4})"),
)
MIN_YEAR, MAX_YEAR = 1900, 2100


def _day(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: Cell) -> tuple[date, str] | None:
    """(first day of what the cell names, its precision) or None."""
    if isinstance(value, str):
        return _parse_date_text(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _checked(value.date(), DAY)
    if isinstance(value, date):
        return _checked(value, DAY)
    if isinstance(value, int | float):
        if float(value).is_integer() and MIN_YEAR <= value <= MAX_YEAR:
            return date(int(value), 1, 1), YEAR
        return None
    return None


@lru_cache(maxsize=65536)  # a file repeats its periods: parse each text once
def _parse_date_text(value: str) -> tuple[date, str] | None:
    s = re.sub(r"\s+", " ", value.strip().lower())
    if not s or len(s) > 40:
        return None
    found = _numeric_date(s)
    if found is not None:
        return found
    words = re.sub(r"[.,]", " ", s)
    words = re.sub(r"(?<=[a-zæøå])-(?=\d)|(?<=\d)-(?=[a-zæøå])", " ", words)
    return _worded_date(re.sub(r"\s+", " ", words).strip())


def _numeric_date(s: str) -> tuple[date, str] | None:
    """ "2019-09-01", "01-09-2019", "2019-09", "09-2019" or "2019"."""
    if m := _ISO.fullmatch(s):
        return _result(_day(int(m[1]), int(m[2]), int(m[3])), DAY)
    if m := _DMY.fullmatch(s):
        return _result(_day(int(m[3]), int(m[2]), int(m[1])), DAY)
    if m := _YM.fullmatch(s):
        return _result(_day(int(m[1]), int(m[2]), 1), MONTH)
    if m := _MY.fullmatch(s):
        return _result(_day(int(m[2]), int(m[1]), 1), MONTH)
    if m := _YEAR.fullmatch(s):
        return _result(_day(int(m[1]), 1, 1), YEAR)
    return None


def _worded_date(words: str) -> tuple[date, str] | None:
    """A quarter ("2. kvartal 2019", "Q2 2019") or a date with the month in words ("1. september 2019")."""
    for pattern in _QUARTER:
        if m := pattern.fullmatch(words):
            quarter, year = (int(m[1]), int(m[2])) if pattern is not _QUARTER[1] else (int(m[2]), int(m[1]))
            return _result(_day(year, 3 * quarter - 2, 1), QUARTER)
    if m := _TEXT_DMY.fullmatch(words):
        month = MONTHS.get(m[2])
        if month is None:
            return None
        if m[1]:
            return _result(_day(int(m[3]), month, int(m[1])), DAY)
        return _result(_day(int(m[3]), month, 1), MONTH)
    if m := _TEXT_MDY.fullmatch(words):
        month = MONTHS.get(m[1])
        return _result(_day(int(m[3]), month, int(m[2])), DAY) if month else None
    return None


def _checked(day: date, precision: str) -> tuple[date, str] | None:
    return (day, precision) if MIN_YEAR <= day.year <= MAX_YEAR else None


def _result(day: date | None, precision: str) -> tuple[date, str] | None:
    return (day, precision) if day is not None else None


def last_day(day: date, precision: str) -> date:
    """The last day of the month, quarter or year that starts on `day` (`day` itself for a day)."""
    if precision == DAY:
        return day
    if precision == YEAR:
        return date(day.year, 12, 31)
    months = 1 if precision == MONTH else 3
    month = day.month + months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date.fromordinal(date(year, month, 1).toordinal() - 1)


# --- moments (date and time) -------------------------------------------------------------------------------

_DMY_TIME = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})[ t]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")


def parse_moment(value: Cell, zone: tzinfo) -> datetime | None:
    """A date and time: "31-12-2026 14:05", ISO 8601 ("2026-12-31T14:05", with or without an offset) or a
    typed Excel cell; a time without an offset is read on the clock of `zone`. The answer is in UTC; None
    when the cell is not a date with a time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = _moment_text(value.strip())
    else:
        return None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _moment_text(text: str) -> datetime | None:
    if m := _DMY_TIME.fullmatch(text.lower()):
        day, month, year, hour, minute = (int(m[i]) for i in range(1, 6))
        try:
            return datetime(year, month, day, hour, minute, int(m[6] or 0))
        except ValueError:
            return None
    if len(text) < 16 or not _ISO.match(text.lower()):
        return None  # a date alone has no time of day
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None


# --- messages --------------------------------------------------------------------------------------------


def expected_date() -> str:
    return _("Expected a date such as 2019-09-01, 01-09-2019, 1. september 2019, sep 2019 or 2019.")


def expected_moment() -> str:
    return _("Expected a date and time such as 31-12-2026 14:05 or 2026-12-31T14:05.")


def expected_number() -> str:
    return _("Expected a number such as 1234,5 or 1.234,5.")


def expected_whole_number() -> str:
    return _("Expected a whole number.")


def text_cell(value: Cell) -> str:
    return display(value).strip()
