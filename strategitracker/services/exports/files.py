"""Writing export sheets to files: .xlsx (openpyxl) and .csv, with the guards that keep a text cell from
running as a formula. services/exports/sheets.py builds the sheets and services/exports/builders.py puts them
together; the choices (formats, separators, time zones) are described in exports.py's docstring.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ...formatting import csv_number

_CSV_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_XLSX_GUARDED = re.compile(r"'+[=+\-@\t\r]")
_MAX_WIDTH = 60


class Sheet:
    """One table of an export: a title (the .xlsx sheet name), the header row and the rows."""

    def __init__(self, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.title = title
        self.headers = list(headers)
        self.rows = [list(row) for row in rows]

    def __repr__(self) -> str:
        return f"<Sheet {self.title!r}: {len(self.rows)} rows>"


# ---------------------------------------------------------------------------------------------- writers


def _xlsx_cell(ws, row: int, column: int, value: Any) -> int:
    """Write one value with the right Excel type; returns its display width."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return 19
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return 10
    if value is None or value == "":
        return 0
    if isinstance(value, bool | int | float):
        cell.value = value
        return len(str(value))
    text = put_text(cell, str(value))
    return max((len(line) for line in text.splitlines()), default=0)


def put_text(cell, value: str) -> str:
    """Store text in an .xlsx cell as text, never as a formula, whatever it starts with (=, +, -, @);
    returns the text stored. Every workbook the app writes puts its text through here."""
    text = xlsx_text(value)
    cell.value = text
    cell.data_type = "s"
    return text


def append_row(ws, values: Sequence[Any]) -> None:
    """`ws.append` with every text value stored as text (see `put_text`)."""
    ws.append(list(values))
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, str):
            put_text(cell, value)


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet_title(sheet.title))
        widths = [len(h) for h in sheet.headers]
        for column, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=1, column=column, value=header)
            cell.font = bold
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                widths[c - 1] = max(widths[c - 1], _xlsx_cell(ws, r, c, value))
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(width + 2, _MAX_WIDTH)
        ws.freeze_panes = "A2"
        if sheet.headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{max(len(sheet.rows) + 1, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Data"


def csv_text(value: str) -> str:
    """Text for a CSV cell; a leading formula character is neutralised with an apostrophe.

    A text that itself starts with apostrophes before such a character gets one more, because the
    importers drop exactly one apostrophe there (`imports.reading.unguard`)."""
    return "'" + value if _CSV_GUARDED.match(value) else value


def xlsx_text(value: str) -> str:
    """Text for an .xlsx cell (stored as text, never a formula): only apostrophes before a formula
    character get one more, for the importers' `unguard`."""
    return "'" + value if _XLSX_GUARDED.match(value) else value


def _csv_value(value: Any, *, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return csv_number(value, decimal_comma=decimal_comma)
    return csv_text(str(value))


def to_csv(sheet: Sheet, *, danish: bool = False) -> bytes:
    """UTF-8 with BOM; "," and decimal point, or with `danish` ";" and decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if danish else ",", lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow([_csv_value(v, decimal_comma=danish) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
