"""The council report as a Word document (python-docx), for the agenda system; the secretary can edit it.

It is written from a report document (`report_document`, or a frozen report's): headings, the goals' status
table, per goal its description, the KPI table, each KPI's chart as an image, each KPI's yearly summary
and the action plans, as far as the document's sections include them. The images come from the caller
(services never draw charts); without them the document says why and keeps the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from io import BytesIO
from typing import Any

from flask_babel import gettext as _

from ... import progress
from ...formatting import format_date, format_number, format_percent, format_rank, with_unit
from ...status import kpi_status_label, plan_status_label
from .snapshot import document_sections

Doc = dict[str, Any]
#: The width of a chart in the document (cm): A4 less its margins.
CHART_WIDTH_CM = 16


def _day(value: str | None, locale: str, fmt: str = "medium") -> str:
    return format_date(date.fromisoformat(value), locale, fmt) if value else "–"


def _percent(value: float | None, locale: str) -> str:
    return "–" if value is None else format_percent(value, 0, locale)


def kpi_value_text(kpi: Doc, value: float | None, out_of: int | None, locale: str) -> str:
    """A KPI's value in words, as the report page writes it (a rank, a percentage, a number and its unit)."""
    if value is None:
        return "–"
    number = format_number(value, None, locale, at_most=1)
    if kpi["kind"] == "rank":
        place = format_rank(value, locale)
        if out_of:
            return _("no. %(rank)s of %(n)s", rank=place, n=format_number(out_of, 0, locale))
        return _("no. %(rank)s", rank=place)
    if kpi["kind"] == "percent":
        return format_percent(value, None, locale)
    return with_unit(number, kpi["unit"] or None, locale)


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _dated(kpi: Doc, point: Doc | None, day_key: str, locale: str) -> str:
    """ "nr. 6 af 93 (1. sep. 2019)": a value of the KPI with its date; "–" for none."""
    if not point:
        return "–"
    value = kpi_value_text(kpi, point["value"], point.get("out_of"), locale)
    return f"{value} ({_day(point[day_key], locale)})"


def _kpi_rows(goal: Doc, locale: str) -> list[list[str]]:
    return [
        [
            k["name"],
            _dated(k, k.get("latest"), "period", locale),
            _dated(k, k.get("baseline"), "period", locale),
            _dated(k, k.get("target"), "target_date", locale),
            _percent(k.get("progress"), locale),
            kpi_status_label(k["status"]),
        ]
        for k in goal["kpis"]
    ]


def _plan_rows(goal: Doc, locale: str, comments: bool) -> list[list[str]]:
    return [
        [
            p["title"],
            p["owner"] or "–",
            plan_status_label(p["status"]) + (f" ({_('Overdue')})" if p["overdue"] else ""),
            _day(p["due_date"], locale),
            _percent(p["progress"], locale),
        ]
        + ([p["comment"] or "–"] if comments else [])
        for p in goal["plans"]
    ]


def _chart(document, kpi: Doc, images: Mapping[int, bytes] | None) -> None:
    from docx.shared import Cm

    image = images.get(kpi["id"]) if images else None
    if image:
        document.add_picture(BytesIO(image), width=Cm(CHART_WIDTH_CM))
        document.add_paragraph(kpi["name"], style="Caption")
    elif not kpi["measurements"] and not kpi.get("baseline"):
        document.add_paragraph(f"{kpi['name']}: {_('No measurements yet')}")


def year_rows(kpi: Doc, locale: str) -> list[list[str]]:
    """A KPI's yearly summary (progress.yearly): year, the year's last value, its date, measurements."""
    points = [
        progress.Point(date.fromisoformat(m["period"]), m["value"], m["out_of"]) for m in kpi["measurements"]
    ]
    return [
        [
            str(y.year),
            kpi_value_text(kpi, y.last.value, y.last.out_of, locale),
            format_date(y.last.period, locale),
            format_number(y.count, 0, locale),
        ]
        for y in progress.yearly(points)
    ]


def _years(document, kpi: Doc, locale: str) -> None:
    rows = year_rows(kpi, locale)
    if rows:
        document.add_paragraph(_("%(kpi)s year by year: the last value of each year", kpi=kpi["name"]))
        _table(document, [_("Year"), _("Last value of the year"), _("Date"), _("Measurements")], rows)


def _kpis(
    document, goal: Doc, images: Mapping[int, bytes] | None, locale: str, shown: frozenset[str]
) -> None:
    if not shown & {"kpis", "charts", "years"}:
        return
    document.add_heading(_("KPIs"), level=2)
    if not goal["kpis"]:
        document.add_paragraph(_("The goal has no KPIs yet."))
        return
    if "kpis" in shown:
        headers = [
            _("KPI"),
            _("Latest value"),
            _("Baseline"),
            _("Current target"),
            _("Progress"),
            _("Status"),
        ]
        _table(document, headers, _kpi_rows(goal, locale))
    for kpi in goal["kpis"]:
        if "charts" in shown:
            _chart(document, kpi, images)
        if "years" in shown:
            _years(document, kpi, locale)


def _plans(document, goal: Doc, locale: str, shown: frozenset[str]) -> None:
    if "plans" not in shown:
        return
    document.add_heading(_("Action plans"), level=2)
    if not goal["plans"]:
        document.add_paragraph(_("The goal has no action plans yet."))
        return
    comments = "comments" in shown
    headers = [_("Action plan"), _("Owner"), _("Status"), _("Due date"), _("Progress")]
    _table(
        document, headers + ([_("Latest comment")] if comments else []), _plan_rows(goal, locale, comments)
    )


def _goal(document, number: int, goal: Doc, images: Mapping[int, bytes] | None, locale: str, shown) -> None:
    document.add_heading(_("Goal %(number)s: %(title)s", number=number, title=goal["title"]), level=1)
    if goal["description"]:
        document.add_paragraph(goal["description"])
    if goal.get("narrative"):
        document.add_paragraph(goal["narrative"])
    status = _("Status: %(status)s", status=kpi_status_label(goal["status"]))
    document.add_paragraph(f"{status} · {_('Progress')}: {_percent(goal['progress'], locale)}")
    _kpis(document, goal, images, locale, shown)
    _plans(document, goal, locale, shown)


def _front(document, doc: Doc, title: str | None, locale: str) -> None:
    strategy = doc["strategy"]
    document.add_paragraph(f"{doc['organisation']} · {_('Report for the municipal council')}")
    document.add_heading(strategy["title"], level=0)
    if title:
        document.add_paragraph(title)
    document.add_paragraph(f"{_('Report date')}: {_day(doc['today'], locale, 'long')}")
    period = f"{_day(strategy['period_start'], locale)} – {_day(strategy['period_end'], locale)}"
    document.add_paragraph(f"{_('Period')}: {period}")
    if strategy["vision"]:
        document.add_paragraph(strategy["vision"])
    if doc.get("summary"):
        document.add_paragraph(doc["summary"])


def report_docx(
    doc: Doc, *, images: Mapping[int, bytes] | None, locale: str, title: str | None = None
) -> bytes:
    """The report as a .docx file; `images` maps a KPI's id to its chart (None: no browser drew them)."""
    from docx import Document

    document = Document()
    shown = document_sections(doc)
    _front(document, doc, title, locale)
    if images is None and "charts" in shown and any(g["kpis"] for g in doc["goals"]):
        document.add_paragraph(
            _("The charts could not be drawn: the server has no browser. The numbers are in the tables.")
        )
    if "summary" in shown:
        _summary(document, doc, locale)
    for number, goal in enumerate(doc["goals"], start=1):
        _goal(document, number, goal, images, locale, shown)
    document.core_properties.title = doc["strategy"]["title"]
    document.core_properties.author = "Strategitracker"
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _summary(document, doc: Doc, locale: str) -> None:
    document.add_heading(_("Summary"), level=1)
    rows = [
        [
            f"{n}. {g['title']}",
            kpi_status_label(g["status"]),
            _percent(g["progress"], locale),
            str(len(g["plans"])),
            str(sum(1 for p in g["plans"] if p["overdue"])),
        ]
        for n, g in enumerate(doc["goals"], start=1)
    ]
    _table(document, [_("Goal"), _("Status"), _("Progress"), _("Action plans"), _("Overdue")], rows)
