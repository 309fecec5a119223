"""The one way numbers and dates are read and written, in Danish (default) and English, on Babel.

Writing: Danish "1.234,5" and "1. sep. 2019", English "1,234.5" and "Sep 1, 2019"; percentages "51 %" /
"51%". Numbers are rounded **half away from zero** on the number as written (12.5 → 13, 1.005 → 1.01,
-2.5 → -3), the same in pages, tables, charts and reports. Exports write plain positional numbers
(`csv_number`).

Reading: `parse_number` reads what a person types, strictly in the locale's own way (Babel's
`parse_decimal(strict=True)`): Danish "3.500" = 3500, "3.500,5" = 3500.5, "3,5" = 3.5, and a malformed
grouping such as "3.50" is refused with a message that shows the right ways to type it. Spaces as
thousands separators ("1 234,5"), a trailing "%" and a typographic minus are accepted.

The module needs no Flask, so the chart figures use it too; the words of a refusal are the form's
(`forms.number_problem`). A page writes the same few hundred values over and over, so results are kept per
value and locale.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

DANISH, ENGLISH = "da", "en"
_QUANTA = {d: Decimal(1).scaleb(-d) for d in range(4)}
_SCALES = {d: 10.0**d for d in range(4)}
#: Below this, a float times 10**decimals (and its printed form) is within 1e-6 of its exact value, so its
#: fraction tells a rounding tie from a non-tie (see `_number`).
_FAST_LIMIT = 1e9
#: Room for every digit of the largest float (about 1.8e308) and its decimals when it is rounded.
_WIDE = Context(prec=400)
_SPACE_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})
#: What a number may look like before Babel checks its separators: digits first (not ".5"), no "1_000",
#: "nan" or "inf", and an exponent of at most three digits ("1e30", not "1e0005").
_SHAPE = re.compile(r"[+-]?\d[\d.,]*(?:[eE][+-]?\d{1,3})?")


@lru_cache(maxsize=32)
def language(locale: object) -> str:
    """DANISH or ENGLISH for a locale ("da", "da_DK", a Babel Locale, "en_GB" …); Danish unless English."""
    return ENGLISH if str(locale)[:2].lower() == ENGLISH else DANISH


@lru_cache(maxsize=4)
def symbols(locale: str) -> tuple[str, str]:
    """(decimal symbol, thousands symbol) of the language: (",", ".") in Danish, (".", ",") in English."""
    lang = language(locale)
    return get_decimal_symbol(lang), get_group_symbol(lang)


def plotly_separators(locale: str) -> str:
    """Plotly's `separators` layout setting (decimal, then thousands) for the language: ",." in Danish."""
    return "".join(symbols(locale))


@lru_cache(maxsize=4)
def _translation(locale: str) -> dict[int, str]:
    decimal, group = symbols(locale)
    return str.maketrans({",": group, ".": decimal})


# --- writing ---------------------------------------------------------------------------------------------


def format_number(
    value: float | None, decimals: int | None = 0, locale: str = DANISH, *, at_most: int = 2
) -> str:
    """`value` with `decimals` decimals, rounded half away from zero; None: as many as the rounded value
    needs, at most `at_most` (12 → "12", 12.5 → "12,5", 12.996 → "13").

    Danish: decimal comma and thousands dot (1.234,5); English: 1,234.5. None (or NaN/inf) gives "".
    """
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return ""
    lang = language(locale)
    if decimals is None:
        return _trimmed(value, at_most, lang)
    return _number(value, decimals, lang)


def _trimmed(value: float, at_most: int, lang: str) -> str:
    text = _number(value, at_most, lang)
    decimal = symbols(lang)[0]
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def format_percent(value: float | None, decimals: int | None = 0, locale: str = DANISH) -> str:
    """A percentage the local way: "51 %" in Danish, "51%" in English."""
    return with_unit(format_number(value, decimals, locale), "%", locale)


def with_unit(text: str, unit: str | None, locale: str) -> str:
    """A formatted number and its unit: "15 dage", "94,6 %", "94.6%" (English writes % without a space)."""
    if not text or not unit:
        return text
    if unit == "%" and language(locale) == ENGLISH:
        return f"{text}%"
    return f"{text} {unit}"


def round_number(value: float, decimals: int = 0) -> float:
    """`value` rounded as this module writes it (half away from zero: 12.5 → 13), for a number that a file
    or sheet holds rounded; Python's `round` would give 12."""
    if not math.isfinite(value):
        return value
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, _WIDE))


def decimals_needed(value: float, at_most: int = 2) -> int:
    """How many decimals show `value` (0, 1 … `at_most`): 12 → 0, 12.5 → 1, 12.25 → 2 (with at_most 2)."""
    value = float(value)
    if value.is_integer() or not math.isfinite(value):
        return 0
    for decimals in range(at_most):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return at_most


def _number(value: float, decimals: int, lang: str) -> str:
    """`format_number` for a finite float and a resolved precision and language.

    Rounds the number as written (Decimal(repr)), half away from zero: 1.005 → 1.01 and 2.5 → 3, as people
    expect. Formatting the float directly rounds its binary value half to even, which gives the same digits
    unless the scaled value is at (or within rounding error of) a half; only those, and numbers too big for
    the fraction to tell (`_FAST_LIMIT`), take the Decimal way (or the exact one for whole numbers).
    """
    scaled = abs(value) * (_SCALES.get(decimals) or 10.0**decimals)
    if scaled < _FAST_LIMIT and abs(scaled - math.floor(scaled) - 0.5) > 1e-6:
        text = f"{value if scaled >= 0.5 else 0.0:,.{decimals}f}"  # rounds to zero: "0", never "-0"
    elif value.is_integer() and abs(value) < 2**53:
        text = f"{int(value):,}" + ("." + "0" * decimals if decimals > 0 else "")
    else:
        number = Decimal(repr(value)).quantize(
            _QUANTA.get(decimals) or Decimal(1).scaleb(-decimals), ROUND_HALF_UP, _WIDE
        )
        text = f"{abs(number) if number == 0 else number:,.{decimals}f}"  # no "-0"
    return text.translate(_translation(lang))


class NumberFormat:
    """`format_number` with its precision and locale fixed, for formatting many values the same way."""

    __slots__ = ("decimals", "lang", "_texts")

    def __init__(self, decimals: int | None = 0, locale: str = DANISH) -> None:
        self.decimals = decimals
        self.lang = language(locale)
        self._texts: dict[float, str] = {}

    def __call__(self, value: float | None) -> str:
        text = self._texts.get(value)  # type: ignore[arg-type]
        if text is None:
            text = self._texts[value] = self._format(value)  # type: ignore[index]
        return text

    def _format(self, value: float | None) -> str:
        if value is None:
            return ""
        number = float(value)
        if not math.isfinite(number):
            return ""
        if self.decimals is None:
            return _trimmed(number, 2, self.lang)
        return _number(number, self.decimals, self.lang)


def format_rank(value: float, locale: str = DANISH) -> str:
    """A place in a ranking: a whole number ("13", never "13,7"), rounded half away from zero. An expected
    place on the way to a target is a fraction; it is shown as the place it amounts to. Every rank a page,
    chart or report shows is written here."""
    return format_number(value, 0, locale)


@lru_cache(maxsize=8192)
def format_date(day: date | None, locale: str = DANISH, fmt: str = "medium") -> str:
    """A date for people: "1. sep. 2019" in Danish, "Sep 1, 2019" in English (Babel's `fmt` format)."""
    if day is None:
        return ""
    return babel_format_date(day, fmt, locale=language(locale))


def format_datetime(moment: datetime | None, locale: str = DANISH) -> str:
    """A time of day on a date, in the date style of `format_date` and a 24-hour clock: "4. dec. 2026 21.13"
    in Danish, "Dec 4, 2026 21:13" in English (never "12/4/26, 9:13 PM"). `moment` is already local time."""
    if moment is None:
        return ""
    lang = language(locale)
    return f"{format_date(moment.date(), lang)} {babel_format_time(moment, 'HH:mm', locale=lang)}"


def csv_number(value: float | int, *, decimal_comma: bool = False) -> str:
    """A number for a data file: plain positional notation, no exponent, no thousands separator."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


# --- reading ---------------------------------------------------------------------------------------------


class ParsedNumber(NamedTuple):
    """What `parse_number` read: the value, or whether the text was not a number and the right ways to
    type what it may have meant (as "350" and "3,5" for Danish "3.50"; empty when there is no guess)."""

    value: float | None
    malformed: bool = False
    ways: tuple[str, ...] = ()


def parse_number(text: str, locale: str = DANISH) -> ParsedNumber:
    """The number a person typed in `locale`'s way, or why not (`forms.number_problem` words it).

    The empty text gives no value and no error: whether a value is required is the form's business. A
    value too large for a float reads as infinity; the KPI rules say why that is refused.
    """
    lang = language(locale)
    cleaned = _clean(text, lang)
    if not cleaned:
        return ParsedNumber(None)
    value, suggestions = _read(cleaned, lang)
    if value is not None:
        return ParsedNumber(value)
    return ParsedNumber(None, True, _ways(suggestions, lang))


def read_number(text: str, locale: str = DANISH) -> float | None:
    """`parse_number`'s value alone, for callers that write their own message (the importers)."""
    lang = language(locale)
    plain = _plain(text, lang)
    if plain is not None:
        return plain
    return _read(_clean(text, lang), lang)[0]


def _plain(text: str, lang: str) -> float | None:
    """The value of a number without thousands separators ("1234", "-1234,5" in Danish), else None.

    Most cells of a large file look like this, and for them Babel's strict reading (which is about the
    thousands separators) could only agree, so they are read without it."""
    body = text[1:] if text[:1] in ("-", "+") else text
    if body.isdecimal() and body.isascii():
        return float(text)
    whole, found, fraction = body.partition(symbols(lang)[0])
    if found and whole.isdecimal() and fraction.isdecimal() and (whole + fraction).isascii():
        return float(f"{text[: len(text) - len(body)]}{whole}.{fraction}")
    return None


def _clean(text: str, lang: str) -> str:
    """Spaces as thousands separators become the locale's; a trailing % and a typographic minus go."""
    s = text.strip().translate(_MINUSES)
    if s.endswith("%"):
        s = s[:-1].rstrip()
    if " " in s or "\u00a0" in s or "\u202f" in s:
        s = _SPACE_GROUPS.sub(symbols(lang)[1], s)
    return s


@lru_cache(maxsize=65536)  # a file, like a form, repeats its values: read each text once
def _read(text: str, lang: str) -> tuple[float | None, tuple[str, ...]]:
    """(value, ()) or (None, the ways Babel suggests writing it instead)."""
    if not text or len(text) > 60:
        return None, ()
    body = text[1:] if text[0] in "+-" else text
    if body.isdecimal() and body.isascii():
        return float(text), ()  # the common case, the same in every locale
    if not _SHAPE.fullmatch(text):
        return None, ()
    try:
        number = parse_decimal(text, locale=lang, strict=True)
    except NumberFormatError as error:
        return None, tuple(error.suggestions or ())
    except InvalidOperation:
        return None, ()
    if number.is_nan() or number.is_infinite():
        return None, ()
    return float(number), ()


def _ways(suggestions: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Babel's suggestions written as this module writes numbers ("3.500", "3,5")."""
    ways = []
    for suggestion in suggestions:
        value = _read(suggestion, lang)[0]
        if value is not None and math.isfinite(value):
            ways.append(format_number(value, None, lang, at_most=6))
    return tuple(ways)
