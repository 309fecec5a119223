"""How a KPI's values read in its chart's hover texts and its data table, and user text made safe for plotly.

The numbers and dates themselves are written by `strategitracker.formatting`; this adds the KPI's unit, its
precision (the same for all its values; 0 for ranks), "nr. 6 af 93" for ranks and the target and source
lines, each written once per formatter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from html import escape

from ... import progress
from ...formatting import NumberFormat, decimals_needed, format_date, format_rank, language, with_unit
from ...progress import KPIInput, Target


def esc(text: object) -> str:
    """User text for plotly's pseudo-HTML: "<", ">" and "&" shown literally, never as markup."""
    return escape(str(text), quote=False)


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
        self.lang = language(locale)
        self.unit = "%" if kpi.kind == progress.PERCENT and not unit else unit
        values = [p.value for p in kpi.measurements] + [t.value for t in kpi.targets]
        if kpi.baseline_value is not None:
            values.append(kpi.baseline_value)
        self.decimals = 0 if self.rank else max((decimals_needed(v) for v in values), default=0)
        self.number = NumberFormat(self.decimals, locale)
        self.integer = self.number if self.decimals == 0 else NumberFormat(0, locale)
        # What with_unit adds to a number: "15 dage", "94,6 %", "94.6%".
        self._suffix = "" if not self.unit else with_unit("0", self.unit, locale)[1:]
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
            rank = format_rank(value, self.lang)
            if out_of is None:
                text = self.lab["rank_only"] % {"rank": rank}
            else:
                text = self.lab["rank_of"] % {"rank": rank, "n": self.integer(out_of)}
            self._ranks[key] = text
        return text

    def date(self, day: date | None) -> str:
        return format_date(day, self.lang)

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
