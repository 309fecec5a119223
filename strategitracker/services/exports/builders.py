"""Exports: measurements, action plans (with their history) and benchmark rankings as .xlsx or .csv.

The files are made to be read back by the importers (`services/imports`): the headers come from
`services/imports/columns.py` (Danish by default, English on request), written in the order listed there,
followed by the extra columns the importers skip (the goal of a KPI, its unit, a status label …).

Choices made here:
- Scope: measurements for one KPI, one goal or one strategy; action plans and their history for one goal or
  one strategy; rankings (national data, shared by all organisations) optionally filtered by survey, category
  and municipality codes. A strategy or goal covers its items that are not archived; an archived KPI or goal
  chosen on its own is exported as it is.
- .xlsx: a bold, frozen header row, column widths fitted to the content, dates as real Excel dates, numbers
  as numbers; text is always stored as text (a value starting with "=" is never a formula).
- .csv: UTF-8 with a byte-order mark (Excel then shows Æ Ø Å right), "," as separator and "." as decimal
  point; with the Danish option ";" and a decimal comma. Never a thousands separator, so a number reads back
  unambiguously. Dates are ISO (2026-11-28). A text cell that starts with = + - @ or a tab/carriage return
  gets one leading apostrophe, so Excel shows it as text instead of running it as a formula (OWASP "CSV
  injection"); the importers strip that apostrophe again (`imports.reading.unguard`).
- Times (action-plan history) are written to the second, in Danish local time (Europe/Copenhagen): in .csv as
  ISO 8601 with the offset (2015-10-01T09:00:00+02:00), in .xlsx as an Excel date-time (Excel has no time
  zones).
- Every export runs a fixed number of SQL statements (one per sheet), whatever the amount of data.

This module is the entry point: the kinds and formats, and `build_export`, which puts the sheets into one
file. services/exports/sheets.py builds the sheets (the queries and the rows), services/exports/files.py
writes them as files, and services/exports/choices.py resolves what an export is asked to cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from ...models import Organisation
from .. import ServiceError
from .files import Sheet, to_csv, to_xlsx
from .sheets import (
    Scope,
    action_plan_history_sheet,
    action_plan_sheet,
    check_language,
    measurement_sheet,
    ranking_sheet,
)

MEASUREMENTS = "measurements"
ACTION_PLANS = "action-plans"
ACTION_PLAN_HISTORY = "action-plan-history"
RANKINGS = "rankings"
KINDS = (MEASUREMENTS, ACTION_PLANS, ACTION_PLAN_HISTORY, RANKINGS)
SCOPED_KINDS = (MEASUREMENTS, ACTION_PLANS, ACTION_PLAN_HISTORY)

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
MIMETYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}

# The part of the file name that says what is in it (ASCII, Danish: the default locale).
FILE_WORDS = {
    MEASUREMENTS: "maalinger",
    ACTION_PLANS: "handleplaner",
    ACTION_PLAN_HISTORY: "handleplaner-historik",
    RANKINGS: "placeringer",
}


@dataclass
class ExportFile:
    filename: str
    mimetype: str
    data: bytes
    sheets: list[Sheet] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- the export


def filename(org: Organisation | None, kind: str, fmt: str, today: date) -> str:
    """E.g. thisted-maalinger-2026-11-28.xlsx (rankings without an organisation: placeringer-….csv)."""
    prefix = f"{org.slug}-" if org is not None else ""
    return f"{prefix}{FILE_WORDS[kind]}-{today.isoformat()}.{fmt}"


def build_export(
    kind: str,
    org: Organisation | None,
    *,
    fmt: str,
    scope: Scope | None = None,
    danish: bool = False,
    language: str = "da",
    survey: str | None = None,
    categories: Sequence[str] = (),
    municipality_codes: Sequence[int] = (),
    today: date | None = None,
) -> ExportFile:
    """Make one export file. An .xlsx of action plans has a second sheet with their history."""
    if kind not in KINDS:
        raise ServiceError(_("Unknown kind of export %(kind)s.", kind=kind))
    if fmt not in FORMATS:
        raise ServiceError(_("Choose the format .xlsx or .csv."))
    check_language(language)
    if kind in SCOPED_KINDS:
        if scope is None:
            raise ServiceError(_("Choose a strategy, a goal or a KPI to export."))
        if org is None or scope.organisation_id != org.id:
            raise ServiceError(_("That is not part of this organisation."))
    if kind == MEASUREMENTS:
        sheets = [measurement_sheet(scope, language=language)]
    elif kind == ACTION_PLANS:
        sheets = [action_plan_sheet(scope, language=language)]
        if fmt == XLSX:
            sheets.append(action_plan_history_sheet(scope, language=language))
    elif kind == ACTION_PLAN_HISTORY:
        sheets = [action_plan_history_sheet(scope, language=language)]
    else:
        sheets = [
            ranking_sheet(
                survey=survey, categories=categories, municipality_codes=municipality_codes, language=language
            )
        ]
    data = to_xlsx(sheets) if fmt == XLSX else to_csv(sheets[0], danish=danish)
    return ExportFile(filename(org, kind, fmt, today or date.today()), MIMETYPES[fmt], data, sheets)
