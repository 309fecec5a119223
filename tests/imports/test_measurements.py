"""Importing measurements: what is checked (and how it is reported), duplicates, permissions, audit."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.models import AuditEvent, Measurement, Role
from strategitracker.services import ServiceError, imports
from strategitracker.services.imports.prepared import Preview
from tests import factories
from tests.imports.conftest import measurements_of, to_csv, to_xlsx

RANK = "Placering i DI's måling – samlet"
NUMBER = "Antal virksomhedsbesøg"
PERCENT = "Andel besvaret inden for 24 timer"
MONTHLY = "Henvendelser pr. måned"
HEADER = ["Nøgletal", "Periode", "Værdi", "N", "Note"]


@pytest.fixture(autouse=True)
def english(db):
    """Problems are described in English, like the `run` fixture prepares them (outside a request: Danish)."""
    with force_locale("en"):
        yield


def described(prepared) -> list[str]:
    return [p.describe() for p in prepared.problems]


def test_each_problem_names_row_column_value_and_what_was_expected(db, world, run, counts):
    before = counts()
    data = to_csv(
        [
            HEADER,
            [RANK, "2019", "6", "93", ""],  # row 2: fine
            ["Besøg i alt", "2019", "3", "", ""],  # row 3: unknown KPI
            [NUMBER, "31-02-2019", "3", "", ""],  # row 4: no such day
            [NUMBER, "2018", "tre", "", ""],  # row 5: not a number
            [RANK, "2018", "6", "", ""],  # row 6: rank without N
            [RANK, "2017", "97", "93", ""],  # row 7: rank above N
            [PERCENT, "K1 2019", "101", "", ""],  # row 8: percent above 100
            [NUMBER, "2016", "5", "9", ""],  # row 9: N on a number KPI
            [MONTHLY, "2019", "5", "", ""],  # row 10: a monthly KPI needs a month
        ]
    )
    prepared, _ = run("measurements", data, write=False)
    assert described(prepared) == [
        "Row 3, column A “Nøgletal”: found “Besøg i alt”: Unknown KPI “Besøg i alt”: the organisation has no "
        "KPI by that name.",
        "Row 4, column B “Periode”: found “31-02-2019”: Expected a date such as 2019-09-01, 01-09-2019, "
        "1. september 2019, sep 2019 or 2019.",
        "Row 5, column C “Værdi”: found “tre”: Expected a number such as 1234,5 or 1.234,5.",
        "Row 6, column D “N”: Enter N (how many were ranked).",
        "Row 7, column C “Værdi”: found “97”: The rank cannot be higher than N (93).",
        "Row 8, column C “Værdi”: found “101”: A percentage must be between 0 and 100.",
        "Row 9, column D “N”: found “9”: Only rank KPIs have N.",
        f"Row 10, column B “Periode”: found “2019”: The KPI “{MONTHLY}” is measured monthly: give a month or "
        "a date, such as sep 2019.",
    ]
    assert prepared.counts["invalid"] == 8 and prepared.counts["new"] == 1
    with pytest.raises(ServiceError, match="8 row"):
        imports.write(prepared, org=world.org, actor=None)
    db.session.rollback()
    assert counts() == before  # nothing written without --accept-valid


def test_accept_valid_writes_only_the_valid_rows_and_counts_the_rejected(db, world, run):
    data = to_csv([HEADER, [RANK, "2019", "6", "93", ""], [RANK, "2020", "x", "93", ""]])
    prepared, result = run("measurements", data, "di.csv", accept_valid=True)
    assert result == {"created": 1, "replaced": 0, "skipped": 0, "rejected": 1}
    assert measurements_of(db, world.rank) == [(date(2019, 9, 1), 6.0, 93, "", "")]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.measurements"))
    assert event.after == {"file": "di.csv", "created": 1, "replaced": 0, "skipped": 0, "rejected": 1}
    assert event.organisation_id == world.org.id


def test_kpi_by_id_and_name_must_agree_and_ambiguous_names_are_refused(db, world, run):
    factories.kpi(world.goal2, name=NUMBER)  # a second KPI with the same name
    db.session.commit()
    data = to_csv(
        [
            ["Nøgletal-id", "Nøgletal", "Periode", "Værdi"],
            [str(world.monthly.id), MONTHLY, "sep 2019", "1"],
            [str(world.monthly.id), PERCENT, "sep 2019", "1"],
            ["", NUMBER, "2019", "1"],
            ["999999", "", "2019", "1"],
        ]
    )
    prepared, _ = run("measurements", data, write=False)
    assert described(prepared) == [
        f"Row 3, column B “Nøgletal”: found “{PERCENT}”: KPI {world.monthly.id} is called “{MONTHLY}”.",
        f"Row 4, column B “Nøgletal”: found “{NUMBER}”: Several KPIs are called “{NUMBER}”; give the KPI id "
        "instead.",
        "Row 5, column A “Nøgletal-id”: found “999999”: The organisation has no KPI with this id.",
    ]


def test_archived_kpis_and_other_organisations_kpis_are_refused(db, world, run, other_org):
    world.number.archived_at = world.number.created_at
    foreign = factories.kpi(factories.goal(factories.strategy(other_org)), name="Fremmed nøgletal")
    db.session.commit()
    data = to_csv(
        [["KPI id", "KPI", "Period", "Value"], ["", NUMBER, "2019", "1"], [str(foreign.id), "", "2019", "1"]]
    )
    prepared, _ = run("measurements", data, write=False)
    assert "is archived" in described(prepared)[0]
    assert "no KPI with this id" in described(prepared)[1]


def test_missing_columns_and_missing_header_are_reported_for_the_file(db, world, run):
    prepared, _ = run("measurements", to_csv([["Nøgletal", "Værdi"], [RANK, "3"]]), write=False)
    assert [p.describe() for p in prepared.fatal] == [
        "Row 1: The column “Periode (Period)” is missing. The header row (row 1) has: A “Nøgletal”, "
        "B “Værdi”."
    ]
    prepared, _ = run("measurements", to_csv([["a", "b"], ["1", "2"]]), write=False)
    assert "No header row was found" in prepared.fatal[0].message
    assert "Nøgletal (KPI)" in prepared.fatal[0].message


def test_duplicates_within_the_file_first_row_wins_with_skip_last_with_replace(db, world, run):
    rows = [HEADER, [RANK, "2019", "6", "93", "første"], [RANK, "sep 2019", "7", "93", "anden"]]
    prepared, result = run("measurements", to_csv(rows), write=False)
    assert [e.status for e in prepared.entries] == ["new", "repeat"] and prepared.entries[1].first_row == 2
    prepared, result = run("measurements", to_csv(rows), on_duplicate="skip")
    assert result == {"created": 1, "replaced": 0, "skipped": 1, "rejected": 0}
    assert measurements_of(db, world.rank) == [(date(2019, 9, 1), 6.0, 93, "første", "")]


def test_duplicates_within_the_file_last_row_wins_with_replace(db, world, run):
    rows = [HEADER, [RANK, "2019", "6", "93", "første"], [RANK, "sep 2019", "7", "93", "anden"]]
    prepared, result = run("measurements", to_csv(rows), on_duplicate="replace")
    assert result == {"created": 1, "replaced": 0, "skipped": 1, "rejected": 0}
    assert measurements_of(db, world.rank) == [(date(2019, 9, 1), 7.0, 93, "anden", "")]


def test_rows_already_in_the_database_are_skipped_or_replaced_with_the_old_values_audited(db, world, run):
    factories.measurement(world.number, date(2019, 12, 31), 10, note="gammel")
    factories.measurement(world.number, date(2020, 12, 31), 20)
    db.session.commit()
    rows = [
        ["KPI", "Period", "Value"],
        [NUMBER, "2019", "11"],
        [NUMBER, "2020", "20"],
        [NUMBER, "2021", "30"],
    ]
    prepared, result = run("measurements", to_csv(rows), write=False)
    assert [e.status for e in prepared.entries] == ["exists", "same", "new"]
    prepared, result = run("measurements", to_csv(rows))
    assert result == {"created": 1, "replaced": 0, "skipped": 2, "rejected": 0}
    assert [m[1] for m in measurements_of(db, world.number)] == [10.0, 20.0, 30.0]

    rows[3] = [NUMBER, "2021", "30"]
    prepared, result = run("measurements", to_csv(rows), on_duplicate="replace")
    assert result == {"created": 0, "replaced": 1, "skipped": 2, "rejected": 0}
    # only the year was given: the stored day stays; the note column is absent, so the note stays too
    assert measurements_of(db, world.number) == [
        (date(2019, 12, 31), 11.0, None, "gammel", ""),
        (date(2020, 12, 31), 20.0, None, "", ""),
        (date(2021, 1, 1), 30.0, None, "", ""),
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "measurement.correct"))
    assert (
        event.before["value"] == 10.0 and event.after["value"] == 11.0 and event.entity_type == "measurement"
    )
    summaries = db.session.scalars(
        sa.select(AuditEvent.after).where(AuditEvent.action == "import.measurements").order_by(AuditEvent.id)
    ).all()
    assert [s["replaced"] for s in summaries] == [0, 1]


def test_editors_import_only_for_kpis_they_are_responsible_for(db, world, run, counts):
    rows = [HEADER, [RANK, "2019", "6", "93", ""], [NUMBER, "2019", "5", "", ""]]
    prepared, _ = run("measurements", to_csv(rows), write=False, actor=world.editor, role=Role.EDITOR)
    assert described(prepared) == [
        f"Row 3, column A “Nøgletal”: found “{NUMBER}”: You can import measurements only for KPIs you are "
        f"responsible for; “{NUMBER}” is not one of them."
    ]
    prepared, _ = run(
        "measurements", to_csv(rows), write=False, actor=world.facilitator, role=Role.FACILITATOR
    )
    assert prepared.problems == []


def test_viewers_may_not_import_and_editors_not_rankings(db, world, run):
    with pytest.raises(ServiceError):
        run("measurements", to_csv([HEADER]), write=False, actor=world.editor, role=Role.VIEWER)
    with pytest.raises(ServiceError):
        run("rankings", to_csv([HEADER]), write=False, actor=world.editor, role=Role.EDITOR)


def _formula_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nøgletal", "Periode", "Værdi", "N"])
    sheet.append([RANK, 2019, "=3*2", 93])  # a formula Excel never calculated: no cached value
    sheet.append([RANK, 2020, 16, 93])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_formulas_without_a_calculated_value_are_problems(db, world, run):
    prepared, _ = run("measurements", _formula_workbook(), "f.xlsx", write=False)
    assert described(prepared) == [
        "Row 2, column C “Værdi”: found “=3*2”: The cell has a formula without a calculated value. Open the "
        "file in Excel, save it and try again (or paste the values)."
    ]
    assert [e.status for e in prepared.entries] == ["invalid", "new"]


def test_formulas_with_a_calculated_value_are_read_as_their_value(db, world, run):
    data = _formula_workbook()
    # write the cached value into the sheet XML, as Excel does when it saves
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>3*2</f><v></v>", b"<f>3*2</f><v>6</v>")
                content = content.replace(b"<f>3*2</f><v />", b"<f>3*2</f><v>6</v>")
                assert b"<v>6</v>" in content
            target.writestr(item, content)
    prepared, result = run("measurements", out.getvalue(), "f.xlsx")
    assert prepared.problems == []
    assert measurements_of(db, world.rank)[0][:3] == (date(2019, 9, 1), 6.0, 93)


def test_excel_error_values_are_problems(db, world, run):
    book = openpyxl.Workbook()
    book.active.append(["KPI", "Period", "Value", "N"])
    book.active.append([RANK, 2019, "#DIV/0!", 93])
    book.active["C2"].data_type = "e"
    buffer = io.BytesIO()
    book.save(buffer)
    prepared, _ = run("measurements", buffer.getvalue(), "e.xlsx", write=False)
    assert described(prepared) == [
        "Row 2, column C “Value”: found “#DIV/0!”: The cell shows an Excel error (#DIV/0!)."
    ]


def test_percent_formatted_cells_are_read_as_excel_shows_them(db, world, run):
    data = to_xlsx([["KPI", "Period", "Value"], [PERCENT, "K1 2020", 0.955]])
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active["C2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    run("measurements", buffer.getvalue(), "p.xlsx")
    assert measurements_of(db, world.percent) == [(date(2020, 1, 1), 95.5, None, "", "")]


def test_only_the_first_sheet_is_read_with_a_notice(db, world, run):
    book = openpyxl.Workbook()
    book.active.append(["KPI", "Period", "Value"])
    book.active.append([NUMBER, 2019, 4])
    book.create_sheet("Andet").append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    prepared, _ = run("measurements", buffer.getvalue(), "s.xlsx", write=False)
    assert any("Only the first sheet" in n for n in prepared.notices)


def test_unknown_columns_are_named_in_a_notice_and_export_extras_are_skipped_silently(db, world, run):
    data = to_csv(
        [["KPI", "Period", "Value", "Goal", "Unit", "Farve"], [NUMBER, "2019", "4", "x", "stk", "rød"]]
    )
    prepared, _ = run("measurements", data, write=False)
    assert prepared.notices == ["These columns were not used: F “Farve”."]


def test_a_leading_apostrophe_that_guards_a_formula_is_dropped(db, world, run):
    data = to_csv([["KPI", "Period", "Value", "Note"], [NUMBER, "2019", "4", "'=ikke en formel"]])
    run("measurements", data)
    assert measurements_of(db, world.number)[0][3] == "=ikke en formel"


def test_the_write_is_bulk_not_a_statement_per_row(db, world, run, count_queries):
    rows = [["KPI", "Period", "Value"]] + [
        [MONTHLY, f"{m:02d}-{y}", str(m)] for y in range(2000, 2020) for m in range(1, 13)
    ]
    with count_queries() as statements:
        prepared, result = run("measurements", to_csv(rows))
    assert result["created"] == 240
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO MEASUREMENT")]
    assert len(inserts) <= 2  # one executemany per chunk
    assert len(statements) < 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)) == 240


def test_a_kpi_id_written_in_different_forms_resolves_to_the_same_kpi_on_every_row(db, world, run, other_org):
    foreign = factories.kpi(factories.goal(factories.strategy(other_org)), name="Fremmed nøgletal")
    db.session.commit()
    kpi_id = world.monthly.id
    rows = [
        ["Nøgletal-id", "Periode", "Værdi"],
        [str(kpi_id), "jan 2019", "1"],
        [f"{kpi_id},0", "feb 2019", "2"],
        [f"00{kpi_id}", "mar 2019", "3"],
        [str(kpi_id), "apr 2019", "4"],
        [str(foreign.id), "maj 2019", "5"],
        [str(foreign.id), "jun 2019", "6"],
        [f"{foreign.id},0", "jul 2019", "7"],
    ]
    prepared, _ = run("measurements", to_csv(rows), write=False)
    assert [e.record["kpi_id"] for e in prepared.entries[:4]] == [kpi_id] * 4
    assert [e.status for e in prepared.entries] == ["new"] * 4 + ["invalid"] * 3
    assert described(prepared) == [
        f"Row {row}, column A “Nøgletal-id”: found “{foreign.id}”: The organisation has no KPI with this id."
        for row in (6, 7, 8)
    ]
    # typed cells of a workbook: a whole number, the same number as a decimal, and text
    data = to_xlsx([["KPI id", "Period", "Value"], [kpi_id, "jan 2019", 1], [float(kpi_id), "feb 2019", 2]])
    prepared, _ = run("measurements", data, write=False)
    assert [e.record["kpi_id"] for e in prepared.entries] == [kpi_id, kpi_id] and not prepared.problems


def test_a_name_accepted_for_one_id_is_still_checked_against_another(db, world, run):
    rows = [
        ["Nøgletal-id", "Nøgletal", "Periode", "Værdi"],
        [str(world.monthly.id), MONTHLY, "jan 2019", "1"],
        [str(world.monthly.id), MONTHLY.upper(), "feb 2019", "2"],
        [str(world.number.id), MONTHLY, "2019", "3"],
        [str(world.monthly.id), MONTHLY, "2019", "4"],
    ]
    prepared, _ = run("measurements", to_csv(rows), write=False)
    assert described(prepared) == [
        f"Row 4, column B “Nøgletal”: found “{MONTHLY}”: KPI {world.number.id} is called “{NUMBER}”.",
        f"Row 5, column C “Periode”: found “2019”: The KPI “{MONTHLY}” is measured monthly: give a month or "
        "a date, such as sep 2019.",
    ]


# Rows of every kind after a first row for each KPI; each must come out as when it is the file's only row.
MIXED = [
    [NUMBER, "2010", "1", "", "første"],
    [RANK, "2010", "6", "93", ""],
    [MONTHLY, "jan 2010", "1", "", ""],
    [PERCENT, "K1 2010", "1", "", ""],
    [NUMBER, "2011", "1.234", "", ""],  # thousands in a Danish file
    [NUMBER, "2012", "-1.234,5", "", "x" * 70],
    [NUMBER, "2013", "+12,5", "", ""],
    [NUMBER, "2014", "1 234", "", ""],
    [NUMBER, "2015", "95 %", "", ""],
    [NUMBER, "2016", "1e3", "", ""],
    [NUMBER, "2017", "0012", "", ""],
    [NUMBER, "2018", ".5", "", ""],
    [NUMBER, "2019", "1_000", "", ""],
    [NUMBER, "2020", "1e0005", "", ""],
    [NUMBER, "2021", "nan", "", ""],
    [NUMBER, "2022", "", "", ""],
    [NUMBER, "2023", "4", "9", ""],
    [NUMBER.lower(), "31-12-2024", "4", "", "note"],
    [RANK, "2011", "6", "", ""],
    [RANK, "2012", "6", "0", ""],
    [RANK, "2013", "97", "93", ""],
    [RANK, "2014", "6,5", "93", ""],
    [RANK, "sep 2015", "6", "93,0", ""],
    [RANK, "2016", "6", "1.000.001", ""],
    [RANK, "2017", "5", "93", ""],
    [PERCENT, "2019", "50", "", ""],
    [PERCENT, "2019-05", "101", "", ""],
    [PERCENT, "3. kvartal 2019", "99,9", "", ""],
    [MONTHLY, "K1 2011", "1", "", ""],
    [MONTHLY, "feb 2011", "x", "", ""],
    [MONTHLY, "", "1", "", ""],
    [MONTHLY, "30-02-2011", "1", "", ""],
    [MONTHLY, "mar 2011", "2", "", "n" * 5001],
    [MONTHLY, "apr 2011", "2"],  # a short row
    [MONTHLY, "jan 2010", "2", "", ""],  # repeats row 4
]


def test_a_row_is_checked_the_same_whatever_rows_come_before_it(db, world, run):
    def shown(prepared):
        entries = prepared.preview().entries
        return [
            (row.row, row.cells, row.messages, e.key, e.record)
            for row, e in zip(Preview.page(entries), prepared.entries, strict=True)
        ]

    prepared, _ = run("measurements", to_csv([HEADER + ["Kilde"], *MIXED]), write=False)
    together = shown(prepared)
    assert len(together) == len(MIXED) and prepared.counts["new"] == 16 and prepared.counts["repeat"] == 1
    alone = []
    for position, row in enumerate(MIXED):  # blank rows keep the row number and are skipped
        blank = [[""] * 6 for _ in range(position)]
        prepared, _ = run("measurements", to_csv([HEADER + ["Kilde"], *blank, row]), write=False)
        alone += shown(prepared)
    assert together == alone
