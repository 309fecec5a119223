"""Finding the header row and mapping the file's columns to the kind's columns (Danish or English names).

The header row is the row among the first `HEADER_SEARCH_ROWS` that names the most known columns; rows
above it (a title such as "DI's måling 2023", often merged across the columns) are skipped with a
notice. A file whose header is spread over two rows, or that has no recognisable header, is refused
with a message that lists the columns expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from .columns import WIDE_N_RE, WIDE_YEAR_RE, Column, match_header, normalise_header
from .reading import Sheet
from .validate import (
    Problem,
    cell_number,
    cell_whole_number,
    column_label,
    display,
    expected_date,
    expected_number,
    expected_whole_number,
    parse_date,
    shorten,
)

HEADER_SEARCH_ROWS = 15


class LayoutError(Exception):
    """The file's columns do not fit the kind; carries the problems (shown as a list)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Layout:
    header_row: int  # spreadsheet row number of the header
    first_data: int  # index into sheet.rows of the first data row
    headers: list[str]  # the header texts as written
    columns: dict[str, int]  # canonical key -> column index
    years: dict[int, int] = field(default_factory=dict)  # wide rankings: year -> column index
    year_n: dict[int, int] = field(default_factory=dict)  # wide rankings: year -> N column index
    notices: list[str] = field(default_factory=list)

    def label(self, key_or_index: str | int) -> str:
        index = self.columns[key_or_index] if isinstance(key_or_index, str) else key_or_index
        header = self.headers[index] if index < len(self.headers) else ""
        return column_label(index, header)

    def cell(self, cells: list, key: str):
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return ""
        return cells[index]


def _wide_headers(norm: str) -> tuple[str, int] | None:
    if m := WIDE_YEAR_RE.fullmatch(norm):
        return "year", int(m[1])
    if m := WIDE_N_RE.fullmatch(norm):
        return "n", int(next(g for g in m.groups() if g))
    return None


def _match_row(cells: list, columns: tuple[Column, ...], ignored: tuple[Column, ...], wide: bool):
    known: dict[int, str] = {}
    years: dict[int, tuple[str, int]] = {}
    skipped: set[int] = set()
    for index, cell in enumerate(cells):
        text = display(cell).strip()
        if not text:
            continue
        key = match_header(text, columns)
        if key is not None:
            known[index] = key
        elif wide and (found := _wide_headers(normalise_header(text))):
            years[index] = found
        elif match_header(text, ignored) is not None:
            skipped.add(index)
    return known, years, skipped


def find_layout(
    sheet: Sheet,
    columns: tuple[Column, ...],
    ignored: tuple[Column, ...] = (),
    *,
    required: tuple[tuple[str, ...], ...],
    wide: bool = False,
) -> Layout:
    """The header row and column mapping; raises LayoutError.

    `required` lists groups of keys: each group needs at least one of its keys among the columns
    (e.g. ``("kpi", "kpi_id")``). With `wide`, year headers ("2019", "N 2019") are recognised too.
    """
    best = _best_header_row(sheet, columns, ignored, wide)
    if best is None:
        raise LayoutError([Problem(None, None, None, _no_header_message(columns, required))])
    _score, position, number, cells, known, years, skipped = best
    headers = [display(c).strip() for c in cells]
    mapping, problems = _column_mapping(known, headers, columns, number)
    layout = Layout(header_row=number, first_data=position + 1, headers=headers, columns=mapping)
    problems += _year_columns(layout, years, number)
    problems += _missing_columns(layout, required, columns, headers, number)
    if problems:
        raise LayoutError(problems)
    if position > 0:
        title = " ".join(display(c).strip() for c in sheet.rows[0][1] if display(c).strip())
        layout.notices.append(
            _(
                "The header is in row %(row)s; %(count)s row(s) above it were skipped (“%(title)s”).",
                row=number,
                count=position,
                title=shorten(title, 80),
            )
        )
    unused = [
        column_label(i, h)
        for i, h in enumerate(headers)
        if h and i not in known and i not in years and i not in skipped
    ]
    if unused:
        layout.notices.append(_("These columns were not used: %(columns)s.", columns=", ".join(unused)))
    return layout


def _best_header_row(sheet: Sheet, columns, ignored, wide: bool):
    """The row among the first few that names the most known columns (at least two), with its matches."""
    best = None
    for position, (number, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        known, years, skipped = _match_row(cells, columns, ignored, wide)
        score = len(set(known.values())) + len(years)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, position, number, cells, known, years, skipped)
    return best


def _column_mapping(
    known: dict[int, str], headers: list[str], columns: tuple[Column, ...], number: int
) -> tuple[dict[str, int], list[Problem]]:
    """Column key → index; a key named by two columns is a problem."""
    problems: list[Problem] = []
    mapping: dict[str, int] = {}
    for index, key in known.items():
        if key not in mapping:
            mapping[key] = index
            continue
        problems.append(
            Problem(
                number,
                None,
                None,
                _(
                    "Columns %(first)s and %(second)s both name the column “%(name)s”; keep one of them.",
                    first=column_label(mapping[key], headers[mapping[key]]),
                    second=column_label(index, headers[index]),
                    name=_column_name(columns, key),
                ),
            )
        )
    return mapping, problems


def _year_columns(layout: Layout, years: dict, number: int) -> list[Problem]:
    problems = []
    for index, (what, year) in years.items():
        target = layout.years if what == "year" else layout.year_n
        if year in target:
            problems.append(Problem(number, None, None, _("The year %(year)s has two columns.", year=year)))
        target[year] = index
    return problems


def _missing_columns(
    layout: Layout, required, columns: tuple[Column, ...], headers: list[str], number: int
) -> list[Problem]:
    """Each required group with none of its columns present."""
    present = set(layout.columns) | ({"year"} if layout.years else set())
    problems = []
    for group in required:
        if present & set(group):
            continue
        names = " / ".join(f"“{_column_name(columns, k)}”" for k in group)
        problems.append(
            Problem(
                number,
                None,
                None,
                _(
                    "The column %(names)s is missing. The header row (row %(row)s) has: %(found)s.",
                    names=names,
                    row=number,
                    found=", ".join(column_label(i, h) for i, h in enumerate(headers) if h) or "–",
                ),
            )
        )
    return problems


def _column_name(columns: tuple[Column, ...], key: str) -> str:
    """The column's Danish name, with the English one beside it ("Periode (Period)")."""
    for column in columns:
        if column.key == key:
            return column.da if column.da == column.en else f"{column.da} ({column.en})"
    return key


def _no_header_message(columns: tuple[Column, ...], required) -> str:
    wanted = [k for group in required for k in group]
    names = ", ".join(_column_name(columns, c.key) for c in columns if c.key in wanted or c.required)
    return _(
        "No header row was found in the first %(rows)s rows. The file needs a row with column names "
        "such as: %(names)s.",
        rows=HEADER_SEARCH_ROWS,
        names=names,
    )


class RowCheck:
    """Reads one data row's cells by column and collects the row's problems."""

    def __init__(self, sheet: Sheet, layout: Layout, number: int, cells: list) -> None:
        self.sheet, self.layout, self.row, self.cells = sheet, layout, number, cells
        self.problems: list[Problem] = []

    @property
    def ok(self) -> bool:
        return not self.problems

    def _index(self, column: str | int) -> int | None:
        return self.layout.columns.get(column) if isinstance(column, str) else column

    def has(self, column: str | int) -> bool:
        return self._index(column) is not None

    def raw(self, column: str | int):
        """The cell's value ("" when empty or absent); None when the reader found a problem (reported)."""
        index = self._index(column)
        if index is None:
            return ""
        if self.sheet.cell_problems and (self.row, index) in self.sheet.cell_problems:
            header = self.layout.headers[index] if index < len(self.layout.headers) else ""
            self.problems.append(self.sheet.problem_for(self.row, index, header))
            return None
        return self.cells[index] if index < len(self.cells) else ""

    def problem(self, column: str | int | None, value, message: str) -> None:
        label = self.layout.label(self._index(column)) if column is not None and self.has(column) else None
        self.problems.append(Problem(self.row, label, display(value) if value is not None else None, message))

    def text(self, column: str | int, *, max_length: int | None = None, required: bool = False) -> str | None:
        value = self.raw(column)
        if value is None:
            return None
        text = display(value).strip()
        if not text and required:
            self.problem(column, None, _("This cell must be filled in."))
            return None
        if max_length is not None and len(text) > max_length:
            self.problem(column, text, _("At most %(max)s characters.", max=max_length))
            return None
        return text

    def _filled(self, column: str | int, required: bool):
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, str) and not value.strip():
            if required:
                self.problem(column, None, _("This cell must be filled in."))
            return None
        return value

    def number(self, column: str | int, style: str, *, required: bool = False) -> float | None:
        value = self._filled(column, required)
        if value is None:
            return None
        number = cell_number(value, style)
        if number is None:
            self.problem(column, value, expected_number())
        return number

    def whole(
        self,
        column: str | int,
        style: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._filled(column, required)
        if value is None:
            return None
        number = cell_whole_number(value, style)
        if number is None:
            self.problem(column, value, expected_whole_number())
        elif (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.problem(
                column, value, _("Expected a whole number from %(min)s to %(max)s.", min=minimum, max=maximum)
            )
            return None
        return number

    def date(self, column: str | int, *, required: bool = False) -> tuple[date, str] | None:
        value = self._filled(column, required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem(column, value, expected_date())
        return parsed
