"""Files that unpack far beyond their size are refused with a message before they are expanded, on the
web and on the command line. Each refusal is also checked for its memory: tracemalloc's peak while the
file is read stays a small fraction of what the file would unpack to (time and memory on a real worker
are in BENCHMARKS.md, from bench/import_limits.py)."""

from __future__ import annotations

import tracemalloc

import pytest
from flask_babel import force_locale

from strategitracker.services import imports
from tests.imports import bombs
from tests.imports.conftest import to_csv
from tests.imports.test_views import upload

MB = 1024 * 1024


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """200 MB of sheet XML in under 2 MB."""
    return bombs.workbook(bombs.empty_cells(200))


@pytest.fixture(scope="module")
def empty_rows() -> bytes:
    """Half a million empty rows: 10 MB of XML, under the unpacked limit, so the rows are what is counted."""
    return bombs.workbook(bombs.empty_rows(500_000))


def refusal(world, data: bytes, filename: str = "m.xlsx") -> tuple[str, int]:
    """The one message of the refusal, and the peak of memory allocated while the file was read."""
    tracemalloc.start()
    try:
        with force_locale("en"):
            prepared = imports.prepare("measurements", data, filename, org=world.org, actor=None, role=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not prepared.entries
    (problem,) = prepared.fatal
    return problem.message, peak


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unopened(db, world, bomb, counts):
    before = counts()
    message, peak = refusal(world, bomb)
    assert message.startswith("The workbook unpacks to more than 100 MB.")
    assert peak < 10 * MB
    assert counts() == before


def test_millions_of_empty_rows_are_counted_not_read(db, world, empty_rows):
    message, peak = refusal(world, empty_rows)
    assert message.startswith("The file has more than 200,000 rows, empty rows included.")
    assert peak < 10 * MB


def test_rows_padded_to_the_last_column_count_as_cells(db, world):
    """Two cells per row in the XML, but openpyxl gives each row 16,384: the cells are counted as read."""
    message, _peak = refusal(world, bombs.workbook(bombs.far_cells(200)))
    assert message.startswith("The file has more than 500,000 cells, empty cells within a row included.")


def test_a_workbook_with_formulas_may_have_half_the_cells(db, world, app, monkeypatch):
    """It is read twice (the values, then the formulas without one)."""
    monkeypatch.setitem(app.config, "IMPORT_MAX_CELLS", 100)
    rows = [f'<row r="{n}"><c r="A{n}"><f>1+1</f><v>2</v></c></row>' for n in range(2, 60)]
    message, _peak = refusal(world, bombs.workbook(rows))
    assert message.startswith("The file has more than 50 cells")


def test_too_many_distinct_texts_are_refused_before_they_are_loaded(db, world):
    message, peak = refusal(world, bombs.workbook([], bombs.many_strings(300_000)))
    assert message == "The workbook has more than 200,000 different texts. Split it into smaller files."
    assert peak < 10 * MB


def test_a_csv_file_counts_its_empty_lines_and_cells(db, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_SHEET_ROWS", 1000)
    message, _peak = refusal(world, b"KPI;Period;Value\r\n" + b";;\r\n" * 2000, "m.csv")
    assert message.startswith("The file has more than 1,000 rows, empty rows included.")
    monkeypatch.setitem(app.config, "IMPORT_MAX_CELLS", 1000)
    wide = to_csv([["KPI", "Period", "Value"] + [""] * 300] * 4)
    message, _peak = refusal(world, wide, "m.csv")
    assert message.startswith("The file has more than 1,000 cells")


def test_a_file_beyond_the_upload_limit_is_refused_by_the_service_too(db, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UPLOAD_BYTES", MB)
    message, _peak = refusal(world, b"KPI;Period;Value\r\n" + b"x;2020;1\r\n" * 200_000, "m.csv")
    assert message.startswith("The file is larger than 1 MB.")


def test_the_upload_page_refuses_the_bomb_with_the_message(client, db, world, login, bomb, counts):
    login("facilitator", locale="en")
    before = counts()
    response = upload(client, world.org.slug, bomb, "bomb.xlsx")
    assert response.status_code == 400
    assert "The workbook unpacks to more than 100 MB." in response.get_data(as_text=True)
    assert counts() == before


def test_the_command_refuses_the_bomb_with_the_message(runner, db, world, tmp_path, empty_rows, counts):
    before = counts()
    path = tmp_path / "rows.xlsx"
    path.write_bytes(empty_rows)
    with force_locale("en"):
        result = runner.invoke(args=["import", "measurements", str(path), "--org", world.org.slug])
    assert result.exit_code == 1
    assert "The file has more than 200,000 rows, empty rows included." in result.output
    assert counts() == before


def test_the_command_reads_no_more_than_the_upload_limit(runner, db, world, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UPLOAD_BYTES", MB)
    path = tmp_path / "big.csv"
    path.write_bytes(b"KPI;Period;Value\r\n" + b"x;2020;1\r\n" * 200_000)
    with force_locale("en"):
        result = runner.invoke(args=["import", "measurements", str(path), "--org", world.org.slug])
    assert result.exit_code == 1
    assert "The file is larger than 1 MB." in result.output
