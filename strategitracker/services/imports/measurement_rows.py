"""Checking the data rows of a measurement file: the KPI each row names, its period, value and N.

The rules are described in measurements.py, which runs these checks and then matches the entries against
the stored measurements. The full check and its fast path (`MeasurementRows.quick`) live together here
because they must give the same entries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _

from ...models import MAX_ID, Frequency, KPIKind
from ..kpi import MAX_OUT_OF, future_period_problem, out_of_problem, period_key, value_problem
from .mapping import Layout, RowCheck
from .names import name_key
from .prepared import INVALID, Entry
from .reading import Sheet
from .validate import (
    MAX_TEXT,
    MONTH,
    PRECISION_ORDER,
    QUARTER,
    YEAR,
    cell_number,
    cell_whole_number,
    display,
    parse_date,
    shorten,
)

_ALLOWED = {Frequency.MONTHLY: MONTH, Frequency.QUARTERLY: QUARTER, Frequency.YEARLY: YEAR}


class MeasurementRows:
    """Checks the data rows of one file.

    `full` checks a row cell by cell through `RowCheck`, with every problem and its message. Most rows of a
    large file are valid and alike, so `quick` first tries the row without any of that bookkeeping: the
    column positions are looked up once, a KPI is resolved once per id/name text (by `full`, which stores
    the outcome when the KPI was accepted), and a number is read before any pattern is tried. At the first
    thing `quick` is not sure of it gives up (None) and the row is checked in full, so the entries and
    problems are the same either way. Preview cells hold the parsed values; `Preview.page` turns them into
    text for the rows shown."""

    def __init__(
        self,
        sheet: Sheet,
        layout: Layout,
        style: str,
        kpis: list[Any],
        may_enter: Callable[[int | None], bool],
        national: dict[int, str] | None = None,
        today: date | None = None,
    ) -> None:
        self.sheet, self.layout, self.style, self.may_enter = sheet, layout, style, may_enter
        # KPI id -> why the KPI takes no rows (its values are the national survey data)
        self.national = national or {}
        self.today = today or date.today()
        # the current reporting period per frequency: a later period has no measurement yet
        self.now = {frequency: period_key(frequency, self.today) for frequency in Frequency}
        self.by_id = {k.id: k for k in kpis}
        self.by_name: dict[str, list[Any]] = {}
        for k in kpis:
            self.by_name.setdefault(name_key(k.name), []).append(k)
        columns = layout.columns
        self.kpi_id, self.kpi, self.period, self.value, self.out_of, self.note, self.source = (
            columns.get(key) for key in ("kpi_id", "kpi", "period", "value", "out_of", "note", "source")
        )
        self.width = max(columns.values()) + 1
        self.damaged = {
            row for row, _index in sheet.cell_problems
        }  # rows with cells the reader could not read
        # (KPI id cell, KPI name cell) -> (id, name, kind, frequency, coarsest precision allowed) of a KPI
        # the row may import for
        self.known: dict[tuple, tuple] = {}

    def _kpi_key(self, cells: list) -> tuple:
        return (self.layout.cell(cells, "kpi_id"), self.layout.cell(cells, "kpi"))

    def full(self, number: int, cells: list, problems: list) -> Entry:
        check = RowCheck(self.sheet, self.layout, number, cells)
        kpi = _kpi(check, self.by_id, self.by_name, self.may_enter)
        if kpi is not None and kpi.id in self.national:
            check.problem("kpi" if check.has("kpi") else "kpi_id", kpi.name, self.national[kpi.id])
            kpi = None
        if kpi is not None and check.ok and number not in self.damaged:
            allowed = PRECISION_ORDER[_ALLOWED.get(kpi.frequency, YEAR)]
            self.known[self._kpi_key(cells)] = (kpi.id, kpi.name, kpi.kind, kpi.frequency, allowed)
        entry = _entry(check, self.layout, self.style, kpi, self.today)
        if check.problems:
            problems.extend(check.problems)
            entry.status = INVALID
            entry.messages = tuple(p.describe() for p in check.problems)
        return entry

    def quick(self, number: int, cells: list) -> Entry | None:
        """The entry of a valid row, or None when the row needs `full`."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        if self.damaged and number in self.damaged:
            return None
        known = self.known.get(
            (
                cells[self.kpi_id] if self.kpi_id is not None else "",
                cells[self.kpi] if self.kpi is not None else "",
            )
        )
        if known is None:
            return None
        kpi_id, name, kind, frequency, allowed = known
        parsed = self._quick_period(cells, kind, frequency, allowed)
        value = cell_number(cells[self.value], self.style) if parsed is not None else None
        n = self._quick_out_of(cells) if value is not None else None
        if n is None:
            return None
        out_of, shown_n = n
        if (kind == KPIKind.RANK) != (out_of is not None) or value_problem(kind, value, out_of) is not None:
            return None
        period, precision = parsed
        record = {
            "kpi_id": kpi_id,
            "period": period,
            "value": value,
            "out_of": out_of,
            "precision": precision,
        }
        texts = self._quick_texts(cells, record)
        if texts is None:
            return None
        return Entry(
            row=number,
            cells=(name, period, value, shown_n, _short(texts[0]), _short(texts[1])),
            key=(kpi_id, period_key(frequency, period)),
            record=record,
        )

    def _quick_period(self, cells: list, kind: str, frequency: str, allowed: int) -> tuple[date, str] | None:
        """The row's period as the KPI's frequency allows it, not after the current period; else None."""
        parsed = parse_date(cells[self.period])
        if parsed is None:
            return None
        period, precision = parsed
        if PRECISION_ORDER[precision] > allowed:
            return None
        if precision == YEAR and kind == KPIKind.RANK:
            period = date(period.year, 9, 1)
        if period_key(frequency, period) > self.now[frequency]:
            return None
        return period, precision

    def _quick_out_of(self, cells: list) -> tuple[int | None, Any] | None:
        """(N, as shown) from the N column, (None, "") without one; None when N is not acceptable."""
        if self.out_of is None:
            return None, ""
        shown_n = cells[self.out_of]
        if shown_n.__class__ is str and not shown_n.strip():
            return None, shown_n
        out_of = cell_whole_number(shown_n, self.style)
        if out_of is None or not 1 <= out_of <= MAX_OUT_OF:
            return None
        return out_of, out_of

    def _quick_texts(self, cells: list, record: dict) -> tuple[str, str] | None:
        """The note and source into `record`; None when one is too long (the full check says so)."""
        note = source = ""
        if self.note is not None:
            note = record["note"] = _text(cells[self.note])
        if self.source is not None:
            source = record["source"] = _text(cells[self.source])
        if len(note) > MAX_TEXT or len(source) > MAX_TEXT:
            return None
        return note, source


def _text(cell) -> str:
    return (cell if cell.__class__ is str else display(cell)).strip()


def _short(text: str) -> str:
    return text if len(text) <= 60 else shorten(text)


def _entry(check: RowCheck, layout: Layout, style: str, kpi, today: date) -> Entry:
    parsed = check.date("period", required=True)
    value = check.number("value", style, required=True)
    out_of = check.whole("out_of", style)
    note = check.text("note", max_length=MAX_TEXT)
    source = check.text("source", max_length=MAX_TEXT)
    period = None
    if kpi is not None and parsed is not None:
        period = _period(check, kpi, parsed, today)
    if kpi is not None and value is not None and check.ok:
        if kpi.kind == KPIKind.RANK and out_of is None:
            check.problem(
                "out_of" if check.has("out_of") else "value",
                None,
                out_of_problem(kpi.kind, None, required=True),
            )
        elif kpi.kind != KPIKind.RANK and out_of is not None:
            check.problem("out_of", out_of, _("Only rank KPIs have N."))
        elif problem := out_of_problem(kpi.kind, out_of, required=True):
            check.problem("out_of", out_of, problem)
        elif problem := value_problem(kpi.kind, value, out_of):
            check.problem("value", value, problem)
    raw = layout.cell(check.cells, "kpi") or layout.cell(check.cells, "kpi_id")
    cells = (
        kpi.name if kpi is not None else display(raw),
        period.isoformat() if period else display(layout.cell(check.cells, "period")),
        value if value is not None else display(layout.cell(check.cells, "value")),
        display(out_of) if out_of is not None else display(layout.cell(check.cells, "out_of")),
        shorten(note or ""),
        shorten(source or ""),
    )
    entry = Entry(row=check.row, cells=cells)
    if check.ok and kpi is not None and period is not None and value is not None:
        entry.key = (kpi.id, period_key(kpi.frequency, period))
        entry.record = {"kpi_id": kpi.id, "period": period, "value": float(value), "out_of": out_of}
        entry.record["precision"] = parsed[1]
        for name, text in (("note", note), ("source", source)):
            if name in layout.columns:
                entry.record[name] = text or ""
    return entry


def _kpi(check: RowCheck, by_id, by_name, may_enter: Callable[[int | None], bool]):
    kpi = None
    kpi_id = check.whole("kpi_id", "point", minimum=1, maximum=MAX_ID) if check.has("kpi_id") else None
    name = check.text("kpi") if check.has("kpi") else ""
    if kpi_id is not None:
        kpi = by_id.get(kpi_id)
        if kpi is None:
            check.problem("kpi_id", kpi_id, _("The organisation has no KPI with this id."))
            return None
        if name and name_key(name) != name_key(kpi.name):
            check.problem("kpi", name, _("KPI %(id)s is called “%(name)s”.", id=kpi_id, name=kpi.name))
            return None
    elif name:
        found = by_name.get(name_key(name), [])
        if not found:
            check.problem(
                "kpi", name, _("Unknown KPI “%(name)s”: the organisation has no KPI by that name.", name=name)
            )
            return None
        if len(found) > 1:
            check.problem(
                "kpi", name, _("Several KPIs are called “%(name)s”; give the KPI id instead.", name=name)
            )
            return None
        kpi = found[0]
    else:
        if check.ok:
            check.problem("kpi" if check.has("kpi") else "kpi_id", None, _("Name the KPI (its name or id)."))
        return None
    if kpi.archived_at is not None:
        check.problem(
            "kpi", kpi.name, _("The KPI “%(name)s” is archived. Restore it before importing.", name=kpi.name)
        )
        return None
    if not may_enter(kpi.owner_user_id):
        check.problem(
            "kpi" if check.has("kpi") else "kpi_id",
            kpi.name,
            _(
                "You can import measurements only for KPIs you are responsible for; “%(name)s” is not one of "
                "them.",
                name=kpi.name,
            ),
        )
        return None
    return kpi


def _period(check: RowCheck, kpi, parsed: tuple[date, str], today: date) -> date | None:
    day, precision = parsed
    allowed = _ALLOWED.get(kpi.frequency, YEAR)
    if PRECISION_ORDER[precision] > PRECISION_ORDER[allowed]:
        if kpi.frequency == Frequency.MONTHLY:
            message = _(
                "The KPI “%(name)s” is measured monthly: give a month or a date, such as sep 2019.",
                name=kpi.name,
            )
        else:
            message = _(
                "The KPI “%(name)s” is measured quarterly: give a quarter, month or date, such as K3 2019.",
                name=kpi.name,
            )
        check.problem("period", check.raw("period"), message)
        return None
    if precision == YEAR and kpi.kind == KPIKind.RANK:
        day = date(day.year, 9, 1)
    if problem := future_period_problem(kpi.frequency, day, today):
        check.problem("period", check.raw("period"), problem)
        return None
    return day
