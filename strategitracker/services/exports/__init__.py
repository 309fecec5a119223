"""Exports of measurements, action plans (with history) and benchmark rankings as .xlsx or .csv: what can be
chosen (choices.py), the sheets (sheets.py), the files (files.py) and the export as a whole (builders.py)."""

from .builders import (
    ACTION_PLAN_HISTORY,
    ACTION_PLANS,
    CSV,
    FORMATS,
    KINDS,
    MEASUREMENTS,
    RANKINGS,
    SCOPED_KINDS,
    XLSX,
    ExportFile,
    build_export,
)
from .choices import ranking_choices, scope_in_org
from .files import Sheet, csv_text, sheet_title, to_csv, to_xlsx, xlsx_text
from .sheets import (
    HISTORY_COLUMNS,
    LANGUAGES,
    LOCAL_TZ,
    Scope,
    action_plan_history_sheet,
    action_plan_sheet,
    measurement_sheet,
    plain_number,
    ranking_sheet,
)

__all__ = [
    "ACTION_PLANS",
    "ACTION_PLAN_HISTORY",
    "CSV",
    "ExportFile",
    "FORMATS",
    "HISTORY_COLUMNS",
    "KINDS",
    "LANGUAGES",
    "LOCAL_TZ",
    "MEASUREMENTS",
    "RANKINGS",
    "SCOPED_KINDS",
    "Scope",
    "Sheet",
    "XLSX",
    "sheet_title",
    "to_xlsx",
    "action_plan_history_sheet",
    "action_plan_sheet",
    "build_export",
    "csv_text",
    "measurement_sheet",
    "ranking_choices",
    "ranking_sheet",
    "plain_number",
    "scope_in_org",
    "to_csv",
    "to_xlsx",
    "xlsx_text",
]
