"""Numbers, dates and user text as the charts and their data tables write them. Pure: no Flask, no Babel.

Danish first: decimal comma and thousands dot ("1.234,5"), "1. sep. 2019", "51 %"; English: "1,234.5",
"1 Sep 2019", "51%". A goal page formats a few thousand values, so the locale is resolved once per table
or figure (`KPIFormatter`, `NumberFormat`), a value that several cells show is formatted once, and the few
distinct dates of a page are formatted once per process (`format_date`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from html import escape

from ... import progress
from ...progress import KPIInput, Target

_MONTHS = {
    "da": ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_DA_SEPARATORS = str.maketrans(",.", ".,")
_QUANTA = {d: Decimal(1).scaleb(-d) for d in range(4)}
_SCALES = {d: 10.0**d for d in range(4)}
#: Below this, a float times 10**decimals (and its printed form) is within 1e-6 of its exact value, so its
#: fraction tells a rounding tie from a non-tie (see `_number`).
_FAST_LIMIT = 1e9


@lru_cache(maxsize=32)
def language_of(locale: str) -> str:
    return "da" if locale[:2].lower() == "da" else "en"


def format_number(value: float | None, decimals: int | None = 0, locale: str = "da") -> str:
    """`value` with `decimals` decimals (None: as many as needed, at most 2), rounded half away from zero.

    Danish: decimal comma and thousands dot (1.234,5); English: 1,234.5. None (or NaN/inf) gives "".
    """
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return ""
    if decimals is None:
        decimals = _decimals_needed(value)
    return _number(value, decimals, language_of(locale) == "da")


def format_percent(value: float | None, decimals: int | None = 0, locale: str = "da") -> str:
    """A percentage the local way: "51 %" in Danish, "51%" in English."""
    return _with_unit(format_number(value, decimals, locale), "%", locale)


def format_date(day: date | None, locale: str = "da") -> str:
    """A date for people: "1. sep. 2019" in Danish, "1 Sep 2019" in English."""
    if day is None:
        return ""
    return _date(day, language_of(locale))


@lru_cache(maxsize=4096)
def _date(day: date, lang: str) -> str:
    month = _MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "da" else f"{day.day} {month} {day.year}"


def _number(value: float, decimals: int, danish: bool) -> str:
    """`format_number` for a finite float and a resolved precision and locale.

    Rounds the number as printed (Decimal(repr)), half away from zero: 1.005 → 1.01 and 2.5 → 3, as people
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
            _QUANTA.get(decimals) or Decimal(1).scaleb(-decimals), ROUND_HALF_UP
        )
        text = f"{abs(number) if number == 0 else number:,.{decimals}f}"  # no "-0"
    return text.translate(_DA_SEPARATORS) if danish else text


def _decimals_needed(value: float) -> int:
    value = float(value)
    if value.is_integer():
        return 0
    return 1 if abs(round(value, 1) - value) < 1e-9 else 2


def _with_unit(text: str, unit: str | None, locale: str) -> str:
    if not text or not unit:
        return text
    if unit == "%" and language_of(locale) == "en":
        return f"{text}%"
    return f"{text} {unit}"


def esc(text: object) -> str:
    """User text for plotly's pseudo-HTML: "<", ">" and "&" shown literally, never as markup."""
    return escape(str(text), quote=False)


class NumberFormat:
    """`format_number` with its precision and locale fixed, for formatting many values the same way."""

    __slots__ = ("decimals", "danish", "_texts")

    def __init__(self, decimals: int | None = 0, locale: str = "da") -> None:
        self.decimals = decimals
        self.danish = language_of(locale) == "da"
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
        decimals = _decimals_needed(number) if self.decimals is None else self.decimals
        return _number(number, decimals, self.danish)


class KPIFormatter:
    """Formats one KPI's values the same way in hover texts and the data table.

    The precision follows the KPI's values (0 for ranks); each distinct value, date, target and source is
    written once per formatter, as a data table repeats them row after row. `charts.kpi_chart`-style
    callers can share one formatter between a KPI's figure and its table.
    """

    def __init__(self, kpi: KPIInput, unit: str, lab: Mapping[str, str], locale: str) -> None:
        self.rank = kpi.kind == progress.RANK
        self.lab = lab
        self.locale = locale
        self.lang = language_of(locale)
        self.unit = "%" if kpi.kind == progress.PERCENT and not unit else unit
        values = [p.value for p in kpi.measurements] + [t.value for t in kpi.targets]
        if kpi.baseline_value is not None:
            values.append(kpi.baseline_value)
        self.decimals = 0 if self.rank else max((_decimals_needed(v) for v in values), default=0)
        self.number = NumberFormat(self.decimals, locale)
        self.integer = self.number if self.decimals == 0 else NumberFormat(0, locale)
        # What _with_unit adds to a number: "15 dage", "94,6 %", "94.6%".
        self._suffix = "" if not self.unit else _with_unit("0", self.unit, locale)[1:]
        self._values: dict[float, str] = {}
        self._ranks: dict[tuple[float, int | None], str] = {}
        self._targets: dict[int, tuple[Target, str]] = {}
        self._sources: dict[str, str] = {}

    def value(self, value: float, out_of: int | None = None) -> str:
        """ "nr. 6 af 93" for ranks, "15 dage" / "94,6 %" otherwise."""
        if self.rank:
            return self._rank(value, out_of)
        text = self._values.get(value)
        if text is None:
            number = self.number(value)
            text = self._values[value] = number + self._suffix if number else number
        return text

    def _rank(self, value: float, out_of: int | None) -> str:
        key = (value, out_of)
        text = self._ranks.get(key)
        if text is None:
            rank = self.integer(value)
            if out_of is None:
                text = self.lab["rank_only"] % {"rank": rank}
            else:
                text = self.lab["rank_of"] % {"rank": rank, "n": self.integer(out_of)}
            self._ranks[key] = text
        return text

    def date(self, day: date | None) -> str:
        return "" if day is None else _date(day, self.lang)

    def target(self, target: Target) -> str:
        held = self._targets.get(id(target))
        if held is not None and held[0] is target:
            return held[1]
        text = self.lab["target_by"] % {
            "value": self.value(target.value),
            "date": self.date(target.target_date),
        }
        self._targets[id(target)] = (target, text)
        return text

    def source_line(self, source: str) -> str:
        """ "Source: …" for a hover text, escaped."""
        text = self._sources.get(source)
        if text is None:
            text = self._sources[source] = esc(self.lab["source"] % {"source": source})
        return text
