"""The body rows of a chart's data table, written in Python for templates/charts/_chart.html.

A goal page has tables of several hundred rows beside its charts (the council report and the public page
thousands); a Jinja loop spends most of a page's time on them, cell by cell. `chart_table_body` writes
the same cells in one pass: the first column is the row header (th scope="row"), every value is escaped
unless it is markup already (a macro's output), and None or undefined is an empty cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from jinja2 import Undefined
from markupsafe import Markup, escape

#: Columns as the chart macro takes them: (key, header), where key is a row's key or attribute, or a
#: callable row -> text (a macro).
Column = tuple[str | Callable[[Any], Any], Any]

_ROW_START = '\n<tr><th scope="row">'
_MISSING = object()


def chart_table_body(rows: Iterable[Any], columns: Sequence[Column]) -> Markup:
    """The <tr> rows of the table (no <tbody>): one per row, one cell per column. Empty without rows."""
    keys = [key for key, _header in columns]
    if not keys:
        return Markup("")
    plain = all(isinstance(key, str) for key in keys)
    parts: list[str] = []
    for row in rows:
        if plain and type(row) is dict:
            get = row.get
            cells = [
                _html(value) if (value := get(key, _MISSING)) is not _MISSING else _cell(row, key)
                for key in keys
            ]
        else:
            cells = [_cell(row, key) for key in keys]
        if len(cells) > 1:
            parts.append(f"{_ROW_START}{cells[0]}</th><td>{'</td><td>'.join(cells[1:])}</td></tr>")
        else:
            parts.append(f"{_ROW_START}{cells[0]}</th></tr>")
    return Markup("".join(parts))


def _html(value: Any) -> str:
    """A cell's HTML as the template's {{ value }} writes it: "" for None or undefined, markup as it is,
    anything else escaped (& < > ' " the way markupsafe does, plain text directly)."""
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return (
                value.replace("&", "&amp;")
                .replace(">", "&gt;")
                .replace("<", "&lt;")
                .replace("'", "&#39;")
                .replace('"', "&#34;")
            )
        return value
    if value is None or isinstance(value, Undefined):
        return ""
    return str(escape(value))


def _cell(row: Any, key: str | Callable[[Any], Any]) -> str:
    """A cell the way the template's `row[key]` finds it: item, else attribute, else empty."""
    if callable(key):
        return _html(key(row))
    try:
        return _html(row[key])
    except (AttributeError, TypeError, LookupError):
        return _html(getattr(row, key, None))
