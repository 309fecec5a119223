"""Reading uploaded files into rows of cells, as the user sees them in Excel.

- .xlsx (recognised by content, not by name) with openpyxl in read-only mode: the cached values of
  formulas (`data_only=True`); a formula without a cached value, and Excel error values such as
  #DIV/0!, become cell problems. Numbers stay numbers (a %-formatted cell is multiplied by 100, as
  Excel shows it), dates become ISO text. Only the first sheet is read.
- .csv and other text: UTF-8 with or without BOM, else Windows-1252 (UTF-16 with a BOM too, as Excel's
  "Unicode text" saves it); the separator (`;`, `,`, tab or `|`) is sniffed from the first lines.

Every row keeps its spreadsheet row number; wholly empty rows are dropped (blank trailing rows, gaps).
Anything unreadable raises `ReadError` with one message for the user; nothing else escapes.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

from .. import ServiceError
from .limits import Limits, archive_problem, count_sheets, sheet_problem
from .validate import COMMA, POINT, Cell, Problem, column_letter

log = logging.getLogger(__name__)

MAX_COLUMNS = 500
DELIMITERS = (";", ",", "\t", "|")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


class ReadError(ServiceError):
    """The file cannot be read at all (one message for the user)."""


@dataclass
class Sheet:
    """The cells of one sheet or CSV file: (spreadsheet row number, cells) for each non-empty row."""

    rows: list[tuple[int, list[Cell]]]
    source: str  # "xlsx" or "csv"
    number_style: str = COMMA  # the default decimal separator for ambiguous numbers
    delimiter: str | None = None
    encoding: str | None = None
    sheet_name: str | None = None
    notices: list[str] = field(default_factory=list)
    # cells that could not be read: (row, column index) -> (value shown, message)
    cell_problems: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    def problem_for(self, row: int, index: int, header: str) -> Problem | None:
        found = self.cell_problems.get((row, index))
        if found is None:
            return None
        label = f"{column_letter(index)} “{header}”" if header else column_letter(index)
        return Problem(row, label, found[0], found[1])


def read_file(
    data: bytes, filename: str, *, limits: Limits, progress: Callable[[int], None] | None = None
) -> Sheet:
    """The file's rows; raises ReadError with a message when it cannot be read or is beyond the limits."""
    if not data or not data.strip():
        raise ReadError(_("The file is empty."))
    if problem := limits.file_problem(len(data)):
        raise ReadError(problem)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, limits, progress)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(_("This is an old Excel file (.xls). Save it as .xlsx or .csv and try again."))
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ReadError(_("The file is not a valid Excel workbook (.xlsx)."))
    return _read_csv(data, limits, progress)


# --- CSV -------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReadError(_("The file's characters could not be read. Save it as CSV UTF-8.")) from None
    if b"\x00" in data[:4096]:
        raise ReadError(_("The file is neither a CSV text file nor an Excel workbook (.xlsx)."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError(_("The file's characters could not be read. Save it as CSV UTF-8."))


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most equally wide rows (";" wins ties)."""
    lines = [line for line in text.splitlines()[:60] if line.strip()][:30]
    if not lines:
        return ";"
    best, best_score = ";", (-1, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        common, count = Counter(widths).most_common(1)[0]
        score = (count if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def unguard(text: str) -> str:
    """Drop the apostrophe an export puts before text that Excel would take for a formula ('=…, '-…).

    Exactly one apostrophe goes, also before further ones ("''=x" was exported from "'=x")."""
    return text[1:] if _GUARDED.match(text) else text


def _read_csv(data: bytes, limits: Limits, progress) -> Sheet:
    text, encoding = _decode(data)
    if text.count("\x00"):
        raise ReadError(_("The file is neither a CSV text file nor an Excel workbook (.xlsx)."))
    delimiter = sniff_delimiter(text)
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    guarded = "'" in text  # only then can a cell start with an export's apostrophe
    number = total_cells = 0
    try:
        for number, record in enumerate(reader, start=1):
            total_cells += len(record)
            _check_counts(number, total_cells, limits)
            cells = list(map(str.strip, record))
            if guarded:
                cells = [unguard(c) if c[:1] == "'" else c for c in cells]
            if any(cells):
                if len(rows) > limits.rows:  # the header row comes on top of the data rows
                    raise ReadError(limits.too_many_rows())
                if len(cells) > MAX_COLUMNS:
                    raise ReadError(
                        _("Row %(row)s has more than %(max)s columns.", row=number, max=MAX_COLUMNS)
                    )
                rows.append((number, cells))
            if progress is not None and number % 5000 == 0:
                progress(5000)
    except csv.Error as exc:
        log.info("CSV not readable: %s", exc)
        raise ReadError(
            _(
                "Row %(row)s could not be read as CSV (a cell is too long or a quote is not closed).",
                row=number + 1,
            )
        ) from None
    if not rows:
        raise ReadError(_("The file has no rows with content."))
    style = POINT if delimiter == "," else COMMA
    return Sheet(rows, "csv", number_style=style, delimiter=delimiter, encoding=encoding)


# --- xlsx ------------------------------------------------------------------------------------------------


def _cell_value(cell) -> tuple[Cell, str | None]:
    """(value, problem message) for an openpyxl cell."""
    value = cell.value
    if value is None:
        return "", None
    if getattr(cell, "data_type", None) == "e":
        return str(value), _("The cell shows an Excel error (%(error)s).", error=value)
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat(), None
        return value.isoformat(sep=" "), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, time):
        return value.isoformat(), None
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", "") or ""):
            value = round(value * 100, 10)
        return value, None
    return unguard(str(value).strip()), None


def _check_counts(rows: int, cells: int, limits: Limits) -> None:
    """Rows and cells so far, empty ones included, against the limits."""
    if rows > limits.sheet_rows:
        raise ReadError(limits.too_many_sheet_rows())
    if cells > limits.cells:
        raise ReadError(limits.too_many_cells())


def _unreadable(exc: Exception) -> ReadError:
    log.info("xlsx not readable: %r", exc)
    return ReadError(_("The file could not be opened as an Excel workbook (.xlsx)."))


def _check_archive(data: bytes, limits: Limits) -> Limits:
    """Refuse a workbook beyond the limits before anything of it is parsed; the limits for reading it
    (fewer cells when it has formulas)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = archive_problem(archive, limits)
            count = count_sheets(archive, limits) if problem is None else None
    except Exception as exc:  # a damaged archive can raise nearly anything
        raise _unreadable(exc) from None
    if count is not None:
        limits = limits.with_formulas() if count.formulas else limits
        problem = sheet_problem(count, limits)
    if problem:
        raise ReadError(problem)
    return limits


def _load(data: bytes, *, data_only: bool):
    import openpyxl  # imported here: only uploads of workbooks pay for it

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # malformed zip/XML can raise nearly anything inside openpyxl
        raise _unreadable(exc) from None


def _read_xlsx(data: bytes, limits: Limits, progress) -> Sheet:
    limits = _check_archive(data, limits)
    book = _load(data, data_only=True)
    formula_book = None
    try:
        if limits.formulas:
            formula_book = _load(data, data_only=False)
        return _read_sheet(book, formula_book, limits, progress)
    except ReadError:
        raise
    except Exception as exc:
        raise _unreadable(exc) from None
    finally:
        book.close()
        if formula_book is not None:
            formula_book.close()


def _read_sheet(book, formula_book, limits: Limits, progress) -> Sheet:
    if not book.worksheets:
        raise ReadError(_("The workbook has no sheets."))
    sheet = book.worksheets[0]
    notices = []
    if len(book.worksheets) > 1:
        notices.append(_("Only the first sheet, “%(name)s”, was read.", name=sheet.title))
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    formula_rows = _formula_rows(formula_book)
    rows: list[tuple[int, list[Cell]]] = []
    cell_problems: dict[tuple[int, int], tuple[str, str]] = {}
    total_cells = 0
    for number, row in enumerate(sheet.iter_rows(), start=1):
        formula_row = next(formula_rows, ()) if formula_rows is not None else ()
        if progress is not None and number % 5000 == 0:
            progress(5000)
        total_cells += len(row)
        _check_counts(number, total_cells, limits)
        if not row:
            continue
        cells, has_problem = _row_cells(number, row, formula_row, cell_problems)
        if has_problem or any(c != "" for c in cells):
            if len(rows) > limits.rows:  # the header row comes on top of the data rows
                raise ReadError(limits.too_many_rows())
            rows.append((number, cells))
    if not rows:
        raise ReadError(_("The first sheet, “%(name)s”, is empty.", name=sheet.title))
    return Sheet(
        rows, "xlsx", number_style=COMMA, sheet_name=sheet.title, notices=notices, cell_problems=cell_problems
    )


def _formula_rows(formula_book):
    """The rows of the first sheet as written (formulas, not their values), when the file was read twice."""
    if formula_book is None:
        return None
    formula_sheet = formula_book.worksheets[0]
    if hasattr(formula_sheet, "reset_dimensions"):
        formula_sheet.reset_dimensions()
    return formula_sheet.iter_rows()


def _row_cells(number: int, row, formula_row, cell_problems: dict) -> tuple[list[Cell], bool]:
    """The row's values; a cell that cannot be read becomes "" with its problem kept in `cell_problems`."""
    if len(row) > MAX_COLUMNS:
        if any(c.value is not None for c in row[MAX_COLUMNS:]):
            raise ReadError(_("Row %(row)s has more than %(max)s columns.", row=number, max=MAX_COLUMNS))
        row = row[:MAX_COLUMNS]
    cells: list[Cell] = []
    has_problem = False
    for index, cell in enumerate(row):
        value, problem = _cell_value(cell)
        if cell.value is None and index < len(formula_row):
            formula = formula_row[index]
            if getattr(formula, "data_type", None) == "f":
                problem = _(
                    "The cell has a formula without a calculated value. Open the file in Excel, "
                    "save it and try again (or paste the values)."
                )
                value = str(formula.value)
        if problem is not None:
            cell_problems[(number, index)] = (str(value), problem)
            value = ""
            has_problem = True
        cells.append(value)
    return cells, has_problem
